//! Lesson narratives are Markdown; the UI injects the HTML made here. It must be safe whatever a
//! lesson file says: raw HTML in the Markdown is shown as text, every text is escaped, and links
//! and images keep only `http:`, `https:` and relative targets (a `javascript:` link becomes plain
//! text). pulldown-cmark parses; this module renders, so nothing unsafe is ever emitted.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

// Here rather than in model.rs: build.rs compiles the model without the Markdown renderer.
impl super::model::Step {
    pub fn narrative_html(&self) -> String {
        render_markdown(&self.narrative)
    }

    pub fn task_html(&self) -> String {
        render_markdown(&self.task)
    }

    pub fn notes_html(&self) -> String {
        render_markdown(&self.notes)
    }
}

/// Renders lesson Markdown to HTML that is safe to inject into the page.
pub fn render_markdown(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // Inside a refused link or image, the closing tag must be skipped too.
    let mut refused: Vec<bool> = Vec::new();
    let mut in_image = 0usize;
    let mut in_table_head = false;
    for event in Parser::new_ext(markdown, options) {
        // Inside an image only the alt text counts, and it goes into an attribute.
        if in_image > 0 {
            match &event {
                Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
                Event::Text(text) | Event::Code(text) => {
                    if refused.last() == Some(&false) {
                        escape_into(&mut html, text);
                    }
                    continue;
                }
                _ => continue,
            }
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => html.push_str("<p>"),
                Tag::Heading { level, .. } => {
                    html.push_str("<h");
                    html.push_str(heading_number(level));
                    html.push('>');
                }
                Tag::BlockQuote(_) => html.push_str("<blockquote>"),
                Tag::CodeBlock(_) => html.push_str("<pre><code>"),
                Tag::List(Some(start)) if start != 1 => {
                    html.push_str("<ol start=\"");
                    html.push_str(&start.to_string());
                    html.push_str("\">\n");
                }
                Tag::List(Some(_)) => html.push_str("<ol>\n"),
                Tag::List(None) => html.push_str("<ul>\n"),
                Tag::Item => html.push_str("<li>"),
                Tag::Table(_) => html.push_str("<table>"),
                Tag::TableHead => {
                    in_table_head = true;
                    html.push_str("<thead><tr>");
                }
                Tag::TableRow => html.push_str("<tr>"),
                Tag::TableCell => html.push_str(if in_table_head { "<th>" } else { "<td>" }),
                Tag::Emphasis => html.push_str("<em>"),
                Tag::Strong => html.push_str("<strong>"),
                Tag::Strikethrough => html.push_str("<del>"),
                Tag::Link { dest_url, .. } => {
                    let allowed = is_safe_url(&dest_url);
                    refused.push(!allowed);
                    if allowed {
                        html.push_str("<a href=\"");
                        escape_into(&mut html, &dest_url);
                        html.push_str("\">");
                    }
                }
                Tag::Image { dest_url, .. } => {
                    // Alt text arrives as text events: collect it into the attribute.
                    let allowed = is_safe_url(&dest_url);
                    refused.push(!allowed);
                    in_image += 1;
                    if allowed {
                        html.push_str("<img src=\"");
                        escape_into(&mut html, &dest_url);
                        html.push_str("\" alt=\"");
                    }
                }
                // Footnotes, definition lists, metadata and HTML blocks: their text still
                // arrives as events and is escaped.
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => html.push_str("</p>\n"),
                TagEnd::Heading(level) => {
                    html.push_str("</h");
                    html.push_str(heading_number(level));
                    html.push_str(">\n");
                }
                TagEnd::BlockQuote(_) => html.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => html.push_str("</code></pre>\n"),
                TagEnd::List(true) => html.push_str("</ol>\n"),
                TagEnd::List(false) => html.push_str("</ul>\n"),
                TagEnd::Item => html.push_str("</li>\n"),
                TagEnd::Table => html.push_str("</tbody></table>\n"),
                TagEnd::TableHead => {
                    in_table_head = false;
                    html.push_str("</tr></thead><tbody>");
                }
                TagEnd::TableRow => html.push_str("</tr>"),
                TagEnd::TableCell => html.push_str(if in_table_head { "</th>" } else { "</td>" }),
                TagEnd::Emphasis => html.push_str("</em>"),
                TagEnd::Strong => html.push_str("</strong>"),
                TagEnd::Strikethrough => html.push_str("</del>"),
                TagEnd::Link if refused.pop() == Some(false) => html.push_str("</a>"),
                TagEnd::Image => {
                    in_image = in_image.saturating_sub(1);
                    if refused.pop() == Some(false) {
                        html.push_str("\">");
                    }
                }
                _ => {}
            },
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => escape_into(&mut html, &text),
            Event::Code(code) => {
                html.push_str("<code>");
                escape_into(&mut html, &code);
                html.push_str("</code>");
            }
            Event::SoftBreak => html.push('\n'),
            Event::HardBreak => html.push_str("<br>\n"),
            Event::Rule => html.push_str("<hr>\n"),
            Event::TaskListMarker(done) => html.push_str(if done { "[x] " } else { "[ ] " }),
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
                escape_into(&mut html, &text);
            }
        }
    }
    html
}

fn heading_number(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "1",
        HeadingLevel::H2 => "2",
        HeadingLevel::H3 => "3",
        HeadingLevel::H4 => "4",
        HeadingLevel::H5 => "5",
        HeadingLevel::H6 => "6",
    }
}

/// `http:`, `https:` and relative targets (no scheme before the first `/`, `?` or `#`).
pub fn is_safe_url(url: &str) -> bool {
    let trimmed = url.trim_start();
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    let before_path = trimmed.split(['/', '?', '#']).next().unwrap_or("");
    !before_path.contains(':') && !trimmed.chars().any(char::is_control)
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_common_markdown() {
        let html = render_markdown("# Title\n\nA **bold** `code` and [link](https://kafka.apache.org).\n\n- one\n- two\n");
        assert_eq!(
            html,
            "<h1>Title</h1>\n<p>A <strong>bold</strong> <code>code</code> and <a href=\"https://kafka.apache.org\">link</a>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render_markdown("<script>alert(1)</script>\n\nHi <b onclick=\"x\">there</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_and_images_lose_their_target() {
        let html = render_markdown("[click](javascript:alert(1)) ![x](data:image/png;base64,AAAA) [ok](../docs) ![cat](cat.png)");
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("<a href=\"../docs\">ok</a>"), "{html}");
        assert!(html.contains("<img src=\"cat.png\" alt=\"cat\">"), "{html}");
        assert!(html.contains("click"), "the text of a refused link stays: {html}");
    }

    #[test]
    fn tables_render_with_head_and_body() {
        let html = render_markdown("| account | balance |\n|---|---|\n| 12345 | 15 |\n");
        assert!(html.contains("<thead><tr><th>account</th><th>balance</th></tr></thead><tbody><tr><td>12345</td><td>15</td></tr></tbody>"), "{html}");
    }
}
