//! The Dockerfile model: stages, ARG defaults, key/value pairs, scripts and positions.

use super::*;

#[test]
fn resolves_arg_defaults_in_from() {
    let df = Dockerfile::parse(
        "ARG PY=3.13\nARG VARIANT\nFROM python:${PY}-slim AS build\nFROM python:$VARIANT\nFROM build\n",
    )
    .unwrap();
    assert_eq!(df.stages[0].image.as_deref(), Some("python:3.13-slim"));
    assert_eq!(df.stages[1].image, None);
    assert_eq!(df.stages[2].base_stage, Some(0));
    assert_eq!(df.lineage(&df.stages[2]).len(), 2);
}

#[test]
fn arg_defaults_may_use_earlier_args() {
    let df = Dockerfile::parse(
        "ARG REGISTRY=quay.io\nARG OWNER=jupyter\nARG BASE=$REGISTRY/$OWNER/scipy-notebook\nFROM $BASE\n",
    )
    .unwrap();
    assert_eq!(df.stages[0].image.as_deref(), Some("quay.io/jupyter/scipy-notebook"));
}

#[test]
fn reads_env_pairs_in_both_forms() {
    let df = Dockerfile::parse("FROM a\nENV A=1 B=\"x y\" \\\n    C=$HOME\nENV D some value\n").unwrap();
    let kv = df.instructions[1].key_values();
    assert_eq!(
        kv.iter().map(|k| (k.key.as_str(), k.value.as_deref().unwrap())).collect::<Vec<_>>(),
        [("A", "1"), ("B", "x y"), ("C", "$HOME")]
    );
    assert!(kv[2].expands);
    assert_eq!(df.instructions[1].position(kv[2].offset).0, 3);
    assert_eq!(df.instructions[2].key_values()[0].value.as_deref(), Some("some value"));
}

#[test]
fn legacy_env_values_with_quotes_and_multibyte_text() {
    // Found by `cargo fuzz run dockerfile`: the key's unquoted length was used as a byte offset.
    let df = Dockerfile::parse("FROM a\nENV http-abc123\" homc/exam\u{390}\nENV \"K\" v\u{e9}\n").unwrap();
    assert_eq!(df.instructions[1].key_values()[0].key, "http-abc123 homc/examΐ");
    let kv = &df.instructions[2].key_values()[0];
    assert_eq!((kv.key.as_str(), kv.value.as_deref()), ("K", Some("vé")));
}

#[test]
fn instructions_before_from_are_an_error() {
    assert_eq!(Dockerfile::parse("RUN x\nFROM a\n").unwrap_err().line, 1);
}

#[test]
fn scripts_of_exec_and_heredoc_forms() {
    let df =
        Dockerfile::parse("FROM a\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\nRUN <<EOF\napt-get update\nEOF\n").unwrap();
    assert_eq!(df.instructions[1].scripts()[0].commands().len(), 2);
    let heredoc = df.instructions[2].scripts();
    assert!(heredoc.iter().any(|s| s.runs("apt-get")));
}

#[test]
fn stages_that_ship_are_the_final_one_and_its_bases() {
    let df =
        Dockerfile::parse("FROM a AS base\nFROM b AS build\nRUN make\nFROM base AS final\nCOPY --from=build /x /x\n")
            .unwrap();
    assert_eq!(df.stages.iter().map(|s| s.ships).collect::<Vec<_>>(), [true, false, true]);
    let shipped: Vec<u32> = df.shipped().map(|(i, _)| i.line).collect();
    assert_eq!(shipped, [1, 4, 5]);
    let onbuild = Dockerfile::parse("FROM a AS lib\nONBUILD RUN make\nFROM b\n").unwrap();
    assert_eq!(onbuild.shipped().map(|(i, _)| i.keyword.as_str()).collect::<Vec<_>>(), ["RUN", "FROM"]);
}

#[test]
fn each_run_knows_its_shell() {
    let df = Dockerfile::parse(
        "FROM a AS one\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN x | y\nFROM one\nRUN x | y\nFROM b\nRUN x | y\n",
    )
    .unwrap();
    let pipefail: Vec<bool> = df.instructions.iter().filter(|i| i.keyword == "RUN").map(|i| i.shell.pipefail).collect();
    assert_eq!(pipefail, [true, true, false], "SHELL is inherited by a stage built on the stage");
    let windows =
        Dockerfile::parse("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir | findstr x\n").unwrap();
    assert!(!windows.instructions[1].shell.posix);
    assert!(windows.instructions[1].scripts().is_empty(), "cmd scripts are not read as POSIX shell");
    let pwsh = Dockerfile::parse("FROM a\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-Item x | Remove-Item\n").unwrap();
    assert!(pwsh.instructions[2].scripts().is_empty());
    let exec = Dockerfile::parse("FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN [\"sh\", \"-c\", \"a | b\"]\n").unwrap();
    assert_eq!(exec.instructions[2].scripts().len(), 1, "an exec-form RUN names its own shell");
}

#[test]
fn columns_count_characters_on_long_non_ascii_lines() {
    let prefix = "é".repeat(2000);
    let text = format!("FROM a\nRUN echo {prefix} && curl x\n");
    let df = Dockerfile::parse(&text).unwrap();
    let run = &df.instructions[1];
    let curl = run.scripts()[0].commands()[1];
    assert_eq!(run.position(curl.start()), (2, (4 + 5 + 2000 + 4 + 1) as u32));
}

#[test]
fn oversized_scripts_and_files_are_errors_that_name_the_line() {
    let words = format!("FROM a\nRUN true\nRUN {}\n", "a && ".repeat(crate::audit::shell::MAX_WORDS));
    let e = Dockerfile::parse(&words).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("more than") && e.message.contains("shell words"), "{}", e.message);
    let deep = format!("FROM a\nRUN {}x{}\n", "$(".repeat(40), ")".repeat(40));
    assert!(Dockerfile::parse(&deep).unwrap_err().message.contains("nested"));
    let many = "FROM a\n".to_string() + &"RUN a\n".repeat(MAX_INSTRUCTIONS);
    let e = Dockerfile::parse(&many).unwrap_err();
    assert_eq!(e.line as usize, MAX_INSTRUCTIONS + 1);
}

/// Smaller versions of scripts/adversarial-audit.sh's inputs, through every rule: each ends with
/// findings or a clear error, never a panic or a stack overflow (the script bounds time and
/// memory on the full sizes).
#[test]
fn hostile_inputs_end_cleanly_through_every_rule() {
    let config = crate::audit::config::Config::default();
    let cases = [
        format!("FROM a\nRUN {}b\n", "a && ".repeat(20_000)),
        format!("FROM a\nRUN {}x; {}\n", "{ ".repeat(16_000), "}; ".repeat(16_000)),
        format!("FROM a\nRUN {}x{}\n", "( ".repeat(20_000), " )".repeat(20_000)),
        format!("FROM a\nRUN {}x{}\n", "$( ".repeat(20_000), " )".repeat(20_000)),
        format!("FROM a\nRUN echo {}\n", "`".repeat(20_001)),
        format!("FROM a\nRUN <<EOF\n{}EOF\n", "cat <<X\nbody\nX\n".repeat(5_000)),
        format!("FROM a\nRUN {}b\n", "é && ".repeat(20_000)),
        format!("FROM a\nENV {}\n", "a=1 ".repeat(20_000)),
        format!("FROM a\nCOPY <<EOF /x\n{}EOF\n", "line\n".repeat(20_000)),
        format!("FROM a\nRUN case x in {} esac\n", "a|b) c ;; ".repeat(5_000)),
        "FROM a\nRUN \u{1b}[2J curl x | sh\nUSER \u{1b}]0;x\u{7}\n".to_string(),
    ];
    for text in cases {
        let result =
            crate::audit::audit_text("Dockerfile", &text, crate::audit::rule::FileKind::Dockerfile, None, &config);
        if let Ok(diagnostics) = result {
            assert!(diagnostics.iter().all(|d| !d.message.contains('\u{1b}')), "control characters are escaped");
        }
    }
}
