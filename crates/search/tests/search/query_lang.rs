//! The query language: what parses to what, and where malformed queries are reported.

use dossier_search::{Expr, Filter, ParseError, ParseErrorKind, Query};

fn t(s: &str) -> Expr {
    Expr::Text { folded: s.into() }
}

fn parse(s: &str) -> Expr {
    Query::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).expr
}

fn error(s: &str) -> ParseError {
    Query::parse(s).expect_err(s)
}

/// 2024-03-01 00:00 in Asia/Shanghai is 2024-02-29 16:00 UTC.
const MAR1_SHANGHAI: i64 = 1_709_222_400_000;

#[test]
fn words_phrases_and_operators() {
    assert_eq!(parse(""), Expr::All);
    assert_eq!(parse("   "), Expr::All);
    assert_eq!(parse("保證"), t("保证"));
    assert_eq!(parse("微信 ＶＸ"), Expr::And(vec![t("微信"), t("vx")]));
    assert_eq!(parse("微信 AND vx"), parse("微信 vx"));
    assert_eq!(
        parse("a OR b c"),
        Expr::Or(vec![t("a"), Expr::And(vec![t("b"), t("c")])])
    );
    assert_eq!(
        parse("(a OR b) c"),
        Expr::And(vec![Expr::Or(vec![t("a"), t("b")]), t("c")])
    );
    assert_eq!(parse("NOT a"), Expr::Not(Box::new(t("a"))));
    assert_eq!(
        parse("a NOT NOT b"),
        Expr::And(vec![t("a"), Expr::Not(Box::new(Expr::Not(Box::new(t("b")))))])
    );
    // Lower-case operators are words.
    assert_eq!(parse("and or"), Expr::And(vec![t("and"), t("or")]));
    // Phrases keep spaces, punctuation, escapes; quoted operators are text.
    assert_eq!(parse(r#""保证 收益！""#), t("保证 收益!"));
    assert_eq!(parse(r#""say \"hi\" \\ ok""#), t("say \"hi\" \\ ok"));
    assert_eq!(parse(r#""AND""#), t("and"));
    // Punctuation and emoji inside a word are searched literally; a colon is not a filter unless
    // its prefix is a filter's name.
    assert_eq!(parse("vx:123"), t("vx:123"));
    assert_eq!(parse("138-1234😀"), t("138-1234😀"));
    assert_eq!(parse("a\"b c\""), Expr::And(vec![t("a"), t("b c")]));
}

#[test]
fn filters() {
    assert_eq!(
        parse("employee:ZhangSan 保证"),
        Expr::And(vec![Expr::Filter(Filter::Employee("ZhangSan".into())), t("保证")])
    );
    assert_eq!(
        parse("customer:wmABC"),
        Expr::Filter(Filter::Customer("wmABC".into()))
    );
    assert_eq!(parse("group:wrX"), Expr::Filter(Filter::Group("wrX".into())));
    assert_eq!(
        parse("conversation:s:a:b"),
        Expr::Filter(Filter::Conversation("s:a:b".into()))
    );
    assert_eq!(parse("TYPE:Image"), Expr::Filter(Filter::Type("image".into())));
    assert_eq!(
        parse("employee:\"li si\""),
        Expr::Filter(Filter::Employee("li si".into()))
    );
    assert_eq!(parse("has:violation"), Expr::Filter(Filter::HasViolation));
    assert_eq!(parse("has:Annotation"), Expr::Filter(Filter::HasAnnotation));
    assert_eq!(
        parse("from:2024-03-01"),
        Expr::Filter(Filter::From(MAR1_SHANGHAI))
    );
    assert_eq!(
        parse("to:2024-02-29"),
        Expr::Filter(Filter::Before(MAR1_SHANGHAI))
    );
    assert_eq!(
        parse("NOT has:violation OR type:text"),
        Expr::Or(vec![
            Expr::Not(Box::new(Expr::Filter(Filter::HasViolation))),
            Expr::Filter(Filter::Type("text".into()))
        ])
    );
}

#[test]
fn errors_point_at_the_problem() {
    use ParseErrorKind::*;
    let cases: Vec<(&str, usize, ParseErrorKind)> = vec![
        ("保证 \"收益", 3, UnclosedQuote),
        ("\"abc\\", 4, DanglingEscape),
        ("(a OR b", 7, UnclosedParen { open: 0 }),
        ("a (b (c) d", 10, UnclosedParen { open: 2 }),
        ("a)", 1, UnexpectedCloseParen),
        (")", 0, UnexpectedCloseParen),
        ("()", 0, EmptyGroup),
        (
            "a AND",
            5,
            MissingOperand {
                operator: "AND",
                side: "after",
            },
        ),
        (
            "a OR ) b",
            5,
            MissingOperand {
                operator: "OR",
                side: "after",
            },
        ),
        (
            "a OR OR b",
            5,
            MissingOperand {
                operator: "OR",
                side: "after",
            },
        ),
        (
            "OR a",
            0,
            MissingOperand {
                operator: "OR",
                side: "before",
            },
        ),
        (
            "(AND a)",
            1,
            MissingOperand {
                operator: "AND",
                side: "before",
            },
        ),
        (
            "a NOT",
            5,
            MissingOperand {
                operator: "NOT",
                side: "after",
            },
        ),
        ("\"\"", 0, EmptyText),
        ("a \u{200B}", 2, EmptyText),
        ("employee:", 9, EmptyFilterValue { filter: "employee" }),
        ("x type:\"\"", 7, EmptyFilterValue { filter: "type" }),
        (
            "from:2024-2-1",
            5,
            BadDate {
                filter: "from",
                value: "2024-2-1".into(),
            },
        ),
        (
            "保证 to:2024-02-30",
            6,
            BadDate {
                filter: "to",
                value: "2024-02-30".into(),
            },
        ),
        ("has:spam", 4, UnknownHas { value: "spam".into() }),
        ("employee:\"zhang", 9, UnclosedQuote),
    ];
    for (q, position, kind) in cases {
        assert_eq!(error(q), ParseError { position, kind }, "{q:?}");
    }
    // The message says where and what was expected.
    assert_eq!(
        error("a AND").to_string(),
        "at character 5: expected a word, phrase or filter after AND"
    );
    assert_eq!(
        error("(a").to_string(),
        "at character 2: expected ) to close the ( at character 0"
    );
}

#[test]
fn highlight_terms_skip_negated_text() {
    let q = Query::parse("保证 (收益 OR NOT 微信) NOT NOT vx 保证").unwrap();
    assert_eq!(q.highlight_terms(), vec!["保证", "收益", "vx"]);
}
