//! Shell text in Markdown: fenced code blocks of a shell language (or none), and inline
//! code spans (which the build-flag rules report only when a span is exactly one build
//! command).

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::lint::shell::snippet::{Escaping, Snippet, SnippetBuilder};

/// Info strings whose fences are shell: the first word of the info string, or none.
const SHELL_FENCES: &[&str] = &[
    "",
    "bash",
    "sh",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "fish",
];

/// Fences whose commands carry a prompt (`$ `, `# `) and whose other lines are output.
const SESSION_FENCES: &[&str] = &["console", "shell-session"];

/// The language word of a fence's info string (`bash title="x"` → `bash`, `{.sh}` → `sh`).
fn fence_language(info: &str) -> String {
    let first = info
        .split(|c: char| c.is_whitespace() || c == ',')
        .next()
        .unwrap_or("");
    first
        .trim_start_matches('{')
        .trim_start_matches('.')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// The shell snippets of a Markdown document: shell fences, then inline code spans (marked
/// [`Snippet::inline`]).
pub fn snippets(source: &str) -> Vec<Snippet> {
    let mut out = Vec::new();
    let mut fence: Option<(SnippetBuilder, bool)> = None;
    for (event, range) in Parser::new_ext(source, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let language = fence_language(&info);
                if SHELL_FENCES.contains(&language.as_str()) {
                    fence = Some((
                        SnippetBuilder::new(),
                        SESSION_FENCES.contains(&language.as_str()),
                    ));
                }
            }
            Event::Text(text) => {
                if let Some((builder, _)) = fence.as_mut() {
                    match source.get(range.clone()) {
                        Some(raw) if raw == text.as_ref() => {
                            builder.push_verbatim(raw, range.start)
                        }
                        _ => builder.push_opaque(&text, range),
                    }
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((builder, session)) = fence.take() {
                    let mut snippet = builder.finish(Escaping::None);
                    if session {
                        strip_prompts(&mut snippet);
                    } else {
                        strip_dollar_prompts(&mut snippet);
                    }
                    out.push(snippet);
                }
            }
            Event::Code(text) => {
                if let Some(snippet) = inline_snippet(source, range, &text) {
                    out.push(snippet);
                }
            }
            _ => {}
        }
    }
    out
}

fn inline_snippet(source: &str, range: std::ops::Range<usize>, text: &str) -> Option<Snippet> {
    let raw = source.get(range.clone())?;
    let ticks = raw.len() - raw.trim_start_matches('`').len();
    let inner = raw.get(ticks..raw.len().checked_sub(ticks)?)?;
    let offset = inner.find(text)?;
    let mut builder = SnippetBuilder::new();
    builder.push_verbatim(text, range.start + ticks + offset);
    let mut snippet = builder.finish(Escaping::None);
    snippet.inline = true;
    Some(snippet)
}

/// In a console session, keeps the commands: a `$ ` or `# ` prompt is blanked, and lines
/// without a prompt (output) are blanked too, unless they continue a command ending in
/// `\`. Blanking keeps every offset in place.
fn strip_prompts(snippet: &mut Snippet) {
    let mut blanks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut continued = false;
    let text = snippet.text.clone();
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        let kept = if continued {
            // Continues the previous command.
            true
        } else if trimmed.starts_with("$ ") || trimmed.starts_with("# ") {
            blanks.push(start + indent..start + indent + 2);
            true
        } else {
            // Output, or an empty prompt.
            blanks.push(start..start + content.len());
            false
        };
        continued = kept && content.ends_with('\\');
        start += line.len();
    }
    for range in blanks {
        snippet.blank(range);
    }
}

/// In other shell fences, a line starting with `$ ` is a command shown with its prompt
/// (no shell has a command named `$`): the prompt is blanked, the rest left alone.
fn strip_dollar_prompts(snippet: &mut Snippet) {
    let mut blanks = Vec::new();
    let mut start = 0;
    for line in snippet.text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("$ ") {
            let indent = line.len() - trimmed.len();
            blanks.push(start + indent..start + indent + 2);
        }
        start += line.len();
    }
    for range in blanks {
        snippet.blank(range);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_languages() {
        assert_eq!(fence_language("bash title=\"x\""), "bash");
        assert_eq!(fence_language("{.sh}"), "sh");
        assert_eq!(fence_language("Console"), "console");
        assert_eq!(fence_language(""), "");
    }

    #[test]
    fn shell_fences_keep_their_offsets() {
        let source = "# T\n\n```bash\nnix build\n```\n\n```nix\nnix build\n```\n\n```\nls\n```\n";
        let all = snippets(source);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].text, "nix build\n");
        assert_eq!(&source[all[0].host_range(0..9)], "nix build");
        assert_eq!(all[1].text, "ls\n");
    }

    #[test]
    fn console_prompts_and_output() {
        let source =
            "```console\n$ nix build \\\n  .#x\nbuilding...\n# nixos-rebuild switch\n```\n";
        let all = snippets(source);
        assert_eq!(
            all[0].text,
            "  nix build \\\n  .#x\n           \n  nixos-rebuild switch\n"
        );
    }

    #[test]
    fn every_shell_info_string() {
        for info in [
            "",
            "bash",
            "sh",
            "shell",
            "zsh",
            "console",
            "shell-session",
            "fish",
            "Bash",
            "sh title=\"x\"",
            "{.bash}",
        ] {
            let source = format!("```{info}\n$ nix build\n```\n");
            let all = snippets(&source);
            assert_eq!(all.len(), 1, "{info}");
            assert!(all[0].text.contains("nix build"), "{info}");
            assert!(!all[0].text.contains('$'), "{info}");
        }
        for info in ["nix", "python", "text", "yaml", "diff"] {
            assert!(
                snippets(&format!("```{info}\nnix build\n```\n")).is_empty(),
                "{info}"
            );
        }
    }

    #[test]
    fn fences_in_list_items() {
        let source = "1. Build:\n\n   ```sh\n   nix build .#a\n   nix flake check\n   ```\n";
        let all = snippets(source);
        assert_eq!(all.len(), 1);
        let text = &all[0].text;
        for command in ["nix build", "nix flake check"] {
            let at = text.find(command).unwrap();
            assert_eq!(&source[all[0].host_range(at..at + command.len())], command);
        }
    }

    #[test]
    fn dollar_prompts_in_bash_fences() {
        let source = "```bash\n$ nix build\necho $ x\n```\n";
        assert_eq!(snippets(source)[0].text, "  nix build\necho $ x\n");
    }

    #[test]
    fn inline_spans() {
        let source = "Run `nix flake check` or ``nix build` ``.\n";
        let all = snippets(source);
        assert_eq!(all.len(), 2);
        assert!(all[0].inline);
        assert_eq!(all[0].text, "nix flake check");
        assert_eq!(&source[all[0].host_range(0..15)], "nix flake check");
        assert_eq!(all[1].text, "nix build` ");
    }
}
