//! A stable-toolchain stand-in for the `cargo fuzz` targets under `fuzz/`: seeds (the rule
//! fixtures and docs examples) are mutated with a small deterministic generator and audited as
//! every kind of file. Any panic fails the test. `fuzz_smoke_long` runs many more cases:
//! `BERTH_FUZZ_CASES=200000 cargo test --release -- --ignored fuzz_smoke_long`.

use std::path::Path;

use super::config::Config;
use super::registry::RULES;
use super::rule::FileKind;

/// Fragments that stress the parsers: continuations, heredocs, quotes, substitutions,
/// YAML anchors, merge keys, flow collections and odd characters.
const FRAGMENTS: &[&str] = &[
    "\\\n",
    "\\",
    "`",
    "<<EOF\n",
    "<<-\"E\"\n",
    "EOF\n",
    "\"",
    "'",
    "$(",
    ")",
    "${",
    "}",
    "$((",
    "&&",
    "||",
    "|",
    ";",
    "#",
    "\n",
    "\r\n",
    "\t",
    " ",
    "# escape=`\n",
    "FROM ",
    "RUN ",
    "ONBUILD ",
    "COPY --from=",
    "--mount=type=secret,id=",
    "ARG A=${B:-",
    "[\"",
    "\"]",
    "&a ",
    "*a",
    "<<: ",
    "<<: [*a, *b]",
    "- ",
    ": ",
    "{",
    "[",
    "]",
    "? ",
    "!!str ",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "${{ github.event.issue.title }}",
    "é",
    "\u{0}",
    "\u{feff}",
    "𝔘",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so a failure names its case number.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = RULES
        .iter()
        .flat_map(|r| {
            r.docs
                .split("```")
                .skip(1)
                .step_by(2)
                .map(|block| block.split_once('\n').map_or(block, |(_, body)| body).to_string())
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Rule fixtures, and inputs `cargo fuzz` once crashed on (fuzz/regressions/<target>/).
    for place in [root.join("tests/fixtures/audit"), root.join("fuzz/regressions")] {
        add_files(&place, &mut seeds);
    }
    seeds
}

fn add_files(place: &Path, seeds: &mut Vec<String>) {
    if let Ok(dirs) = std::fs::read_dir(place) {
        for dir in dirs.flatten() {
            for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
                if let Ok(text) = std::fs::read_to_string(file.path()) {
                    seeds.push(text);
                }
            }
        }
    }
}

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 | 1 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                chars.splice(at..at, fragment.chars());
            }
            2 if !chars.is_empty() => {
                let end = (at + rng.below(16)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            3 if !chars.is_empty() => {
                let start = rng.below(chars.len());
                let end = (start + rng.below(64)).min(chars.len());
                let copy: Vec<char> = chars[start..end].to_vec();
                chars.splice(at..at, copy);
            }
            _ => {
                if let Some(c) = chars.get_mut(at) {
                    *c = char::from_u32(rng.next() as u32 % 0x80).unwrap_or('x');
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Audits `cases` mutated inputs as every kind of file; returns how many parsed.
pub fn run(cases: usize, seed: u64) -> usize {
    let seeds = seeds();
    let config = Config::default();
    let mut rng = Rng(seed | 1);
    let mut parsed = 0;
    // Every seed as it is first, so past crashes are replayed exactly.
    for seed in &seeds {
        for kind in [FileKind::Dockerfile, FileKind::Compose, FileKind::Workflow, FileKind::Squid] {
            let outcome = std::panic::catch_unwind(|| super::audit_text("seed", seed, kind, None, &config));
            assert!(outcome.is_ok(), "{kind:?} panicked on a seed:\n{seed:?}");
        }
    }
    for case in 0..cases {
        let base = &seeds[rng.below(seeds.len())];
        let text = mutate(&mut rng, base);
        for kind in [FileKind::Dockerfile, FileKind::Compose, FileKind::Workflow, FileKind::Squid] {
            let outcome = std::panic::catch_unwind(|| super::audit_text("fuzz", &text, kind, None, &config));
            match outcome {
                Ok(result) => parsed += usize::from(result.is_ok()),
                Err(_) => panic!("case {case} ({kind:?}) panicked on input:\n{text:?}"),
            }
        }
    }
    parsed
}

#[test]
fn fuzz_smoke() {
    let parsed = run(1500, 0x5eed);
    assert!(parsed > 100, "most mutated seeds still parse as something: {parsed}");
}

#[test]
#[ignore = "long: run with --release -- --ignored"]
fn fuzz_smoke_long() {
    let cases = std::env::var("BERTH_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let seed = std::env::var("BERTH_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x0dd_ba11);
    run(cases, seed);
}
