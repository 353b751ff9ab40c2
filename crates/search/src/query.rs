//! The query language a reviewer types, parsed into a [`Query`].
//!
//! ```text
//! query   := or
//! or      := and ( "OR" and )*
//! and     := unary ( ["AND"] unary )*        -- juxtaposition is AND
//! unary   := "NOT" unary | primary
//! primary := "(" or ")" | filter | phrase | word
//! phrase  := '"' ( any character but '"' and '\' | '\"' | '\\' )* '"'
//! filter  := name ":" ( word | phrase )       -- name: employee customer group conversation type from to has
//! word    := a run of characters other than white space, '(', ')' and '"'
//! ```
//!
//! Operators are the upper-case words `AND`, `OR`, `NOT` (lower-case `and` is a word). A word or a
//! phrase matches every message whose text contains it as a substring after
//! [`dossier_rules::fold_keep_noise`] (so `vx:123`, `138-1234`, `😀` and `，` search literally).
//! A word with a colon whose prefix is not a filter name is an ordinary word. Dates are
//! `YYYY-MM-DD`, days in Asia/Shanghai (UTC+8); `to:` includes its day. `has:` takes `violation`
//! or `annotation`. An empty query (or filters alone) matches every message.
//!
//! Positions in [`ParseError`] count Unicode characters of the query from 0.

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The expression tree.
    pub expr: Expr,
}

/// A node of a parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// Every message.
    All,
    /// Messages whose folded text contains `folded` (the folded form of what was typed).
    Text {
        /// The folded text ([`dossier_rules::fold_keep_noise`]); never empty.
        folded: String,
    },
    /// A filter on the message's metadata.
    Filter(Filter),
    /// All of these.
    And(Vec<Expr>),
    /// Any of these.
    Or(Vec<Expr>),
    /// Not this.
    Not(Box<Expr>),
}

/// A metadata filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// `employee:ID`: an employee takes part in the conversation (sender or receiver).
    Employee(String),
    /// `customer:ID`: an external contact takes part (sender or receiver).
    Customer(String),
    /// `group:ROOMID`: the message is in this group chat.
    Group(String),
    /// `conversation:KEY`: the message is in this conversation (`dossier_vault::conv_key`).
    Conversation(String),
    /// `type:MSGTYPE`: WeCom msgtype (`text`, `image`, …), lower case.
    Type(String),
    /// `from:DATE`: `msgtime` (ms) at or after this instant (the day's start in Asia/Shanghai).
    From(i64),
    /// `to:DATE`: `msgtime` (ms) before this instant (the next day's start in Asia/Shanghai).
    Before(i64),
    /// `has:violation`: a rule hit is recorded on the message.
    HasViolation,
    /// `has:annotation`: an annotation is attached to the message.
    HasAnnotation,
}

/// A malformed query: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at character {position}: {kind}")]
pub struct ParseError {
    /// Position in the query, in Unicode characters from 0 (the query's length: at its end).
    pub position: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a query.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// A `"` without its closing `"`.
    #[error("unclosed quote: expected a closing \"")]
    UnclosedQuote,
    /// A `\` at the end of a phrase.
    #[error("expected a character after \\ (use \\\\ for a backslash, \\\" for a quote)")]
    DanglingEscape,
    /// A `(` without its `)`.
    #[error("expected ) to close the ( at character {open}")]
    UnclosedParen {
        /// Position of the `(`.
        open: usize,
    },
    /// A `)` without a `(`.
    #[error("unexpected ): no ( to close")]
    UnexpectedCloseParen,
    /// `()`.
    #[error("expected a word, phrase or filter inside ( )")]
    EmptyGroup,
    /// An operator without its operand.
    #[error("expected a word, phrase or filter {side} {operator}")]
    MissingOperand {
        /// `AND`, `OR` or `NOT`.
        operator: &'static str,
        /// `before` or `after`.
        side: &'static str,
    },
    /// `""`, or a term that folds to nothing (only invisible characters).
    #[error("expected something to search for: the text is empty once folded")]
    EmptyText,
    /// `employee:` with nothing after it.
    #[error("expected a value after {filter}:")]
    EmptyFilterValue {
        /// The filter's name.
        filter: &'static str,
    },
    /// A date that is not `YYYY-MM-DD` or not a calendar day.
    #[error("expected a date YYYY-MM-DD after {filter}:, found {value:?}")]
    BadDate {
        /// `from` or `to`.
        filter: &'static str,
        /// What was typed.
        value: String,
    },
    /// `has:` with something other than `violation` or `annotation`.
    #[error("expected has:violation or has:annotation, found has:{value}")]
    UnknownHas {
        /// What was typed.
        value: String,
    },
}

const FILTERS: [&str; 8] = [
    "employee",
    "customer",
    "group",
    "conversation",
    "type",
    "from",
    "to",
    "has",
];

/// Asia/Shanghai is UTC+8 all year (no daylight saving since 1991).
pub(crate) const SHANGHAI_OFFSET_MS: i64 = 8 * 3600 * 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Text(String),
    Filter {
        name: &'static str,
        value: String,
        value_pos: usize,
    },
}

impl Query {
    /// Parses the query language (module documentation).
    pub fn parse(source: &str) -> Result<Query, ParseError> {
        let chars: Vec<char> = source.chars().collect();
        let toks = lex(&chars)?;
        let mut p = Parser {
            toks,
            at: 0,
            end: chars.len(),
        };
        if p.toks.is_empty() {
            return Ok(Query { expr: Expr::All });
        }
        let expr = p.or()?;
        if let Some((pos, _)) = p.toks.get(p.at) {
            // Only a `)` can stop `or` early.
            return Err(err(*pos, ParseErrorKind::UnexpectedCloseParen));
        }
        Ok(Query { expr })
    }

    /// A query for one literal substring, no operators or filters (what a quoted phrase is).
    pub fn substring(text: &str) -> Result<Query, ParseError> {
        Ok(Query {
            expr: text_expr(text, 0)?,
        })
    }

    /// The folded texts a hit is highlighted with: every text term not under a `NOT`.
    pub fn highlight_terms(&self) -> Vec<String> {
        fn walk(e: &Expr, negated: bool, out: &mut Vec<String>) {
            match e {
                Expr::Text { folded } if !negated && !out.contains(folded) => {
                    out.push(folded.clone());
                }
                Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| walk(e, negated, out)),
                Expr::Not(e) => walk(e, !negated, out),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.expr, false, &mut out);
        out
    }
}

fn err(position: usize, kind: ParseErrorKind) -> ParseError {
    ParseError { position, kind }
}

fn text_expr(text: &str, pos: usize) -> Result<Expr, ParseError> {
    let folded = dossier_rules::fold_keep_noise(text).text;
    if folded.is_empty() {
        return Err(err(pos, ParseErrorKind::EmptyText));
    }
    Ok(Expr::Text { folded })
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

/// Reads a phrase whose opening quote is at `at`; returns the text and the position after it.
fn phrase(chars: &[char], at: usize) -> Result<(String, usize), ParseError> {
    let mut i = at + 1;
    let mut out = String::new();
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some(&c) = chars.get(i + 1) else {
                    return Err(err(i, ParseErrorKind::DanglingEscape));
                };
                out.push(c);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(err(at, ParseErrorKind::UnclosedQuote))
}

fn lex(chars: &[char]) -> Result<Vec<(usize, Tok)>, ParseError> {
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            toks.push((i, Tok::LParen));
            i += 1;
        } else if c == ')' {
            toks.push((i, Tok::RParen));
            i += 1;
        } else if c == '"' {
            let (text, next) = phrase(chars, i)?;
            toks.push((i, Tok::Text(text)));
            i = next;
        } else {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.as_str() {
                "AND" => Tok::And,
                "OR" => Tok::Or,
                "NOT" => Tok::Not,
                _ => match filter_name(&word) {
                    Some(name) => {
                        let value_pos = start + name.chars().count() + 1;
                        let mut value = word[name.len() + 1..].to_owned();
                        if value.is_empty() && chars.get(i) == Some(&'"') {
                            let (text, next) = phrase(chars, i)?;
                            value = text;
                            i = next;
                        }
                        Tok::Filter {
                            name,
                            value,
                            value_pos,
                        }
                    }
                    None => Tok::Text(word),
                },
            };
            toks.push((start, tok));
        }
    }
    Ok(toks)
}

fn filter_name(word: &str) -> Option<&'static str> {
    let (name, _) = word.split_once(':')?;
    FILTERS.iter().copied().find(|f| f.eq_ignore_ascii_case(name))
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(self.end, |(p, _)| *p)
    }

    /// Errors unless an operand starts here.
    fn operand_after(&self, operator: &'static str) -> Result<(), ParseError> {
        match self.peek() {
            None | Some(Tok::RParen | Tok::And | Tok::Or) => Err(err(
                self.pos(),
                ParseErrorKind::MissingOperand {
                    operator,
                    side: "after",
                },
            )),
            _ => Ok(()),
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            self.operand_after("OR")?;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::All)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.unary()?];
        loop {
            match self.peek() {
                None | Some(Tok::RParen | Tok::Or) => break,
                Some(Tok::And) => {
                    self.at += 1;
                    self.operand_after("AND")?;
                }
                _ => {}
            }
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::All)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Tok::Not) {
            self.at += 1;
            self.operand_after("NOT")?;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let pos = self.pos();
        let Some((_, tok)) = self.toks.get(self.at).cloned() else {
            // Callers check for an operand first; an empty query never gets here.
            return Err(err(pos, ParseErrorKind::EmptyText));
        };
        self.at += 1;
        match tok {
            Tok::LParen => {
                if self.peek() == Some(&Tok::RParen) {
                    return Err(err(pos, ParseErrorKind::EmptyGroup));
                }
                if let Some(Tok::And | Tok::Or) = self.peek() {
                    return Err(self.missing_before());
                }
                let e = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(err(self.pos(), ParseErrorKind::UnclosedParen { open: pos }));
                }
                self.at += 1;
                Ok(e)
            }
            Tok::RParen => Err(err(pos, ParseErrorKind::UnexpectedCloseParen)),
            Tok::And | Tok::Or => {
                self.at -= 1;
                Err(self.missing_before())
            }
            Tok::Not => unreachable_not(pos),
            Tok::Text(text) => text_expr(&text, pos),
            Tok::Filter {
                name,
                value,
                value_pos,
            } => filter(name, &value, value_pos).map(Expr::Filter),
        }
    }

    fn missing_before(&self) -> ParseError {
        let operator = match self.peek() {
            Some(Tok::And) => "AND",
            _ => "OR",
        };
        err(
            self.pos(),
            ParseErrorKind::MissingOperand {
                operator,
                side: "before",
            },
        )
    }
}

/// `unary` consumes every `NOT` before `primary` sees it.
fn unreachable_not(pos: usize) -> Result<Expr, ParseError> {
    Err(err(
        pos,
        ParseErrorKind::MissingOperand {
            operator: "NOT",
            side: "after",
        },
    ))
}

fn filter(name: &'static str, value: &str, pos: usize) -> Result<Filter, ParseError> {
    if value.is_empty() {
        return Err(err(pos, ParseErrorKind::EmptyFilterValue { filter: name }));
    }
    Ok(match name {
        "employee" => Filter::Employee(value.to_owned()),
        "customer" => Filter::Customer(value.to_owned()),
        "group" => Filter::Group(value.to_owned()),
        "conversation" => Filter::Conversation(value.to_owned()),
        "type" => Filter::Type(value.to_lowercase()),
        "from" => Filter::From(day_start(name, value, pos)?),
        "to" => Filter::Before(day_start(name, value, pos)? + 86_400_000),
        _ => match value.to_lowercase().as_str() {
            "violation" | "violations" => Filter::HasViolation,
            "annotation" | "annotations" => Filter::HasAnnotation,
            _ => {
                return Err(err(
                    pos,
                    ParseErrorKind::UnknownHas {
                        value: value.to_owned(),
                    },
                ));
            }
        },
    })
}

/// The start of day `YYYY-MM-DD` in Asia/Shanghai, in ms since the epoch.
fn day_start(filter: &'static str, value: &str, pos: usize) -> Result<i64, ParseError> {
    let bad = || {
        err(
            pos,
            ParseErrorKind::BadDate {
                filter,
                value: value.to_owned(),
            },
        )
    };
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(bad());
    };
    let date = chrono::NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)?;
    let utc = date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis();
    Ok(utc - SHANGHAI_OFFSET_MS)
}
