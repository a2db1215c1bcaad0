//! Hostile values every input channel of `berth new` is tried with: text that splits characters
//! when sliced by bytes, reorders or rewrites a terminal, ends strings early, or is simply huge.

/// The payloads, each a value someone could put in a flag, a file or a prompt.
pub fn payloads() -> Vec<String> {
    let mut out: Vec<String> = [
        "é",
        "1é",
        "é1g",
        "5\u{e9}m",
        "e\u{301}",
        "\u{301}",
        "\u{202e}gpj.exe",
        "\u{2066}x\u{2069}",
        "nul\u{0}byte",
        "\u{1}\u{7f}\u{9b}",
        "\u{1b}[31mred\u{1b}[0m",
        "\u{1b}]0;title\u{7}",
        "line\nerror: forged",
        "cr\roverwrite",
        "tab\tx",
        "",
        "   ",
        "-",
        "=",
        ",",
        ",,",
        "a=b=c",
        "１２３",
        "٣",
        "🚀",
        "\u{feff}",
        "~",
        "null",
        "0x10",
        "-1",
        "99999999999999999999999",
        "../../etc/passwd",
        "$(id)",
        "'\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    out.push("x".repeat(100_000));
    out.push("é".repeat(50_000));
    out
}

/// Whether text shown to a person is free of what could rewrite their terminal.
pub fn is_safe_to_show(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    })
}

/// The message of a panic caught by `catch_unwind`, empty when it carried no text.
pub fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
