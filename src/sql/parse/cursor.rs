//! A cursor over one statement's tokens: our grammar's helpers around sqlparser's `Parser`.

use super::dialect::KsqlDialect;
use super::expr::convert_expr;
use crate::sql::ast::{Expr, Ident};
use crate::sql::error::{Span, SqlError};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// Deeply nested input (`((((...))))`) is refused with an error instead of overflowing the stack.
const RECURSION_LIMIT: usize = 24;

pub(crate) struct Cursor {
    parser: Parser<'static>,
    /// Where the statement's text ends, reported for errors at the end of input.
    end: Option<Span>,
}

static DIALECT: KsqlDialect = KsqlDialect;

/// Words that start a clause and can never begin an expression.
const CLAUSE_KEYWORDS: &[&str] = &[
    "FROM", "WHERE", "GROUP", "HAVING", "EMIT", "LIMIT", "WINDOW", "SELECT", "VALUES",
];

impl Cursor {
    pub(crate) fn new(tokens: Vec<TokenWithSpan>) -> Cursor {
        let end = tokens
            .iter()
            .rev()
            .find(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .and_then(|t| Span::from_location(t.span.end));
        let parser = Parser::new(&DIALECT)
            .with_recursion_limit(RECURSION_LIMIT)
            .with_tokens_with_locations(tokens);
        Cursor { parser, end }
    }

    pub(crate) fn peek(&self) -> &TokenWithSpan {
        self.parser.peek_token_ref()
    }

    pub(crate) fn peek_nth(&self, n: usize) -> &TokenWithSpan {
        self.parser.peek_nth_token_ref(n)
    }

    pub(crate) fn next(&mut self) -> TokenWithSpan {
        self.parser.next_token()
    }

    pub(crate) fn span(&self) -> Option<Span> {
        Span::from_location(self.peek().span.start).or(self.end)
    }

    /// The position just after the last consumed token.
    pub(crate) fn index(&self) -> usize {
        self.parser.index()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.peek().token == Token::EOF
    }

    /// Is the next token the unquoted word `word` (any case)?
    pub(crate) fn peek_word(&self, word: &str) -> bool {
        is_word(&self.peek().token, word)
    }

    pub(crate) fn peek_nth_word(&self, n: usize, word: &str) -> bool {
        is_word(&self.peek_nth(n).token, word)
    }

    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        if self.peek_word(word) {
            self.next();
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_words(&mut self, words: &[&str]) -> bool {
        if words
            .iter()
            .enumerate()
            .all(|(n, word)| self.peek_nth_word(n, word))
        {
            for _ in words {
                self.next();
            }
            true
        } else {
            false
        }
    }

    pub(crate) fn expect_word(&mut self, word: &str) -> Result<(), SqlError> {
        if self.eat_word(word) {
            Ok(())
        } else {
            Err(self.unexpected(word))
        }
    }

    pub(crate) fn eat_token(&mut self, token: &Token) -> bool {
        self.parser.consume_token(token)
    }

    pub(crate) fn expect_token(&mut self, token: &Token) -> Result<(), SqlError> {
        if self.eat_token(token) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{token}'")))
        }
    }

    pub(crate) fn expect_end(&mut self) -> Result<(), SqlError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.unexpected("end of statement"))
        }
    }

    /// An error "expected X, found Y" at the next token.
    pub(crate) fn unexpected(&self, expected: &str) -> SqlError {
        let found = match &self.peek().token {
            Token::EOF => "end of input".to_string(),
            token => format!("'{token}'"),
        };
        SqlError::parse(
            format!("Syntax error: expected {expected}, found {found}"),
            self.span(),
        )
    }

    /// An identifier: unquoted words are upper-cased, quoted ones kept as written.
    pub(crate) fn ident(&mut self) -> Result<Ident, SqlError> {
        let span = self.span();
        match &self.peek().token {
            Token::Word(word) => {
                let ident = match word.quote_style {
                    Some(_) => Ident {
                        name: word.value.clone(),
                        quoted: true,
                        span,
                    },
                    None => Ident {
                        name: word.value.to_ascii_uppercase(),
                        quoted: false,
                        span,
                    },
                };
                self.next();
                Ok(ident)
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    /// A name given as an identifier or a quoted string (`PRINT 'topic'`, `SET 'prop'`).
    pub(crate) fn ident_or_string(&mut self) -> Result<(String, bool), SqlError> {
        if let Token::SingleQuotedString(text) = &self.peek().token {
            let text = text.clone();
            self.next();
            return Ok((text, true));
        }
        let ident = self.ident()?;
        Ok((ident.name, ident.quoted))
    }

    pub(crate) fn string(&mut self) -> Result<String, SqlError> {
        if let Token::SingleQuotedString(text) = &self.peek().token {
            let text = text.clone();
            self.next();
            Ok(text)
        } else {
            Err(self.unexpected("a quoted string"))
        }
    }

    pub(crate) fn unsigned(&mut self) -> Result<u64, SqlError> {
        let span = self.span();
        if let Token::Number(digits, _) = &self.peek().token {
            let digits = digits.clone();
            self.next();
            digits.parse::<u64>().map_err(|_| {
                SqlError::parse(
                    format!("Syntax error: expected a whole number, found '{digits}'"),
                    span,
                )
            })
        } else {
            Err(self.unexpected("a whole number"))
        }
    }

    /// One expression, parsed by sqlparser and converted into ours.
    pub(crate) fn expr(&mut self) -> Result<Expr, SqlError> {
        convert_expr(&self.sqlparser_expr()?)
    }

    /// An expression, or a parenthesised list of them (`GROUP BY (a, b)`, a single grouping
    /// set), as a list.
    pub(crate) fn expr_or_tuple(&mut self) -> Result<Vec<Expr>, SqlError> {
        match self.sqlparser_expr()? {
            sqlparser::ast::Expr::Tuple(items) => items.iter().map(convert_expr).collect(),
            other => Ok(vec![convert_expr(&other)?]),
        }
    }

    /// The next expression as sqlparser reads it.
    fn sqlparser_expr(&mut self) -> Result<sqlparser::ast::Expr, SqlError> {
        let span = self.span();
        // sqlparser would read a clause word as a column name (`SELECT id, FROM s`).
        if CLAUSE_KEYWORDS.iter().any(|word| self.peek_word(word)) {
            return Err(self.unexpected("an expression"));
        }
        let end = self.end;
        self.parser
            .parse_expr()
            .map_err(|error| parser_error(error, span.or(end)))
    }

    /// Skips tokens up to (not including) the next top-level unquoted word in `stop_words`, or
    /// the end. Returns the number of tokens skipped.
    #[allow(dead_code)]
    pub(crate) fn skip_until_words(&mut self, stop_words: &[&str]) -> usize {
        let mut depth = 0usize;
        let mut skipped = 0;
        loop {
            let token = &self.peek().token;
            match token {
                Token::EOF => break,
                Token::LParen => depth += 1,
                Token::RParen => depth = depth.saturating_sub(1),
                _ if depth == 0 && stop_words.iter().any(|word| is_word(token, word)) => break,
                _ => {}
            }
            self.next();
            skipped += 1;
        }
        skipped
    }
}

pub(crate) fn is_word(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Converts a sqlparser error, moving its " at Line: l, Column: c" suffix into the span.
pub(crate) fn parser_error(error: ParserError, fallback: Option<Span>) -> SqlError {
    let message = match error {
        ParserError::TokenizerError(message) | ParserError::ParserError(message) => message,
        ParserError::RecursionLimitExceeded => "the expression is nested too deeply".to_string(),
    };
    let (message, span) = match message.rfind(" at Line: ") {
        Some(at) => {
            let location = message.get(at + " at Line: ".len()..).unwrap_or("");
            let mut numbers = location
                .split(", Column: ")
                .map(|n| n.trim().parse::<u32>().ok());
            let span = match (numbers.next().flatten(), numbers.next().flatten()) {
                (Some(line), Some(column)) if line > 0 => Some(Span::new(line, column)),
                _ => fallback,
            };
            (message.get(..at).unwrap_or("").to_string(), span)
        }
        None => (message, fallback),
    };
    let message = message
        .replace("Expected: ", "expected ")
        .replace(", found: ", ", found ");
    SqlError::parse(format!("Syntax error: {message}"), span)
}
