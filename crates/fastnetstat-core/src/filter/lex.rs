//! Words into tokens, as ss's lexer (`yylex` in ssfilter.y) cuts them: each
//! word the caller gives is cut again at spaces and tabs, a backslash keeps
//! the character after it (a space too), and every token remembers its place
//! (1-based, counting tokens, so `'sport = :22 or'` given as one word puts
//! `or` at 4), for error messages.

/// One token's text and its place among the tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    pub position: usize,
}

/// Cuts one of ss's words into tokens (`get_token_from_line`); the first token
/// of all is at `first_position`.
fn cut(word: &str, first_position: usize, out: &mut Vec<Word>) {
    let mut chars = word.chars().peekable();
    loop {
        while chars.next_if(|&c| c == ' ' || c == '\t').is_some() {}
        if chars.peek().is_none() {
            return;
        }
        let mut text = String::new();
        while let Some(c) = chars.next_if(|&c| c != ' ' && c != '\t') {
            if c == '\\' {
                match chars.next() {
                    Some(escaped) => text.push(escaped),
                    None => break,
                }
            } else {
                text.push(c);
            }
        }
        out.push(Word { text, position: first_position + out.len() });
    }
}

/// The tokens of ss's words (argv after the options).
pub(crate) fn tokens_of(words: &[&str], first_position: usize) -> Vec<Word> {
    let mut out = Vec::new();
    for word in words {
        cut(word, first_position, &mut out);
    }
    out
}

/// The text cut at whitespace a backslash does not keep (the lexer then reads
/// the backslash, as ss reads `a\ b` as one token).
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let mut escaped = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                let ends = c.is_whitespace() && !escaped;
                escaped = c == '\\' && !escaped;
                ends
            })
            .map_or(rest.len(), |(i, _)| i);
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// The words of the library's one-string form: the text split at whitespace,
/// and a '(' that starts a word or a ')' that ends one made a word of its own
/// (`(sport = :22)` reads as `( sport = :22 )`; ss itself wants them apart).
pub(crate) fn text_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in pieces(text) {
        let mut rest = piece;
        while rest.len() > 1 && rest.starts_with('(') {
            out.push("(".to_string());
            rest = &rest[1..];
        }
        let mut closing = 0;
        while rest.len() > 1 && rest.ends_with(')') && !rest.ends_with("\\)") {
            closing += 1;
            rest = &rest[..rest.len() - 1];
        }
        out.push(rest.to_string());
        out.extend(std::iter::repeat_n(")".to_string(), closing));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[&str]) -> Vec<(String, usize)> {
        tokens_of(words, 1).into_iter().map(|w| (w.text, w.position)).collect()
    }

    #[test]
    fn a_word_is_cut_again_at_spaces_and_tabs_and_places_count_tokens() {
        assert_eq!(
            texts(&["sport = :22", "or\tdport", "", "  :80 "]),
            [("sport", 1), ("=", 2), (":22", 3), ("or", 4), ("dport", 5), (":80", 6)]
                .map(|(t, p)| (t.to_string(), p))
        );
    }

    #[test]
    fn a_backslash_keeps_the_next_character() {
        assert_eq!(
            texts(&["a\\ b c\\\\d e\\"]),
            [("a b", 1), ("c\\d", 2), ("e", 3)].map(|(t, p)| (t.to_string(), p))
        );
    }

    #[test]
    fn text_detaches_parentheses() {
        assert_eq!(
            text_words("((sport = :22) or\n dst [::1])"),
            ["(", "(", "sport", "=", ":22", ")", "or", "dst", "[::1]", ")"]
        );
        assert_eq!(text_words("( ) () x"), ["(", ")", "(", ")", "x"]);
        assert_eq!(text_words("src unix:/tmp/a\\ b  dst\\\\ x"), ["src", "unix:/tmp/a\\ b", "dst\\\\", "x"]);
    }
}
