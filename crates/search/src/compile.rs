//! A parsed [`Expr`] as a tantivy query: text through the gram index, metadata filters through
//! the cached doc sets of [`crate::filter`].

use std::sync::Arc;

use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query as TantivyQuery, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::cache::SegmentCache;
use crate::filter::{TermFilter, TimeFilter};
use crate::index::Fields;
use crate::query::{Expr, Filter};

/// Builds the tantivy query of `e`.
pub(crate) fn compile(f: &Fields, cache: &Arc<SegmentCache>, e: &Expr) -> Box<dyn TantivyQuery> {
    let term = |t: Term| -> Box<dyn TantivyQuery> {
        Box::new(TermFilter {
            cache: cache.clone(),
            term: t,
        })
    };
    let time = |lo: i64, hi: i64| -> Box<dyn TantivyQuery> {
        Box::new(TimeFilter {
            cache: cache.clone(),
            lo,
            hi,
        })
    };
    match e {
        Expr::All => Box::new(AllQuery),
        Expr::Text { folded } => text_query(f, folded),
        Expr::Filter(Filter::Employee(v)) => term(Term::from_field_text(f.employee, v)),
        Expr::Filter(Filter::Customer(v)) => term(Term::from_field_text(f.customer, v)),
        Expr::Filter(Filter::Group(v)) => term(Term::from_field_text(f.group, v)),
        Expr::Filter(Filter::Conversation(v)) => term(Term::from_field_text(f.conversation, v)),
        Expr::Filter(Filter::Type(v)) => term(Term::from_field_text(f.msgtype, v)),
        Expr::Filter(Filter::HasViolation) => term(Term::from_field_bool(f.has_violation, true)),
        Expr::Filter(Filter::HasAnnotation) => term(Term::from_field_bool(f.has_annotation, true)),
        Expr::Filter(Filter::From(ms)) => time(*ms, i64::MAX),
        Expr::Filter(Filter::Before(ms)) => time(i64::MIN, *ms),
        Expr::And(items) => {
            // The dates of one AND make one range: one column check per candidate.
            let mut range: Option<(i64, i64)> = None;
            let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
            for item in items {
                match item {
                    Expr::Filter(Filter::From(ms)) => {
                        let r = range.get_or_insert((i64::MIN, i64::MAX));
                        r.0 = r.0.max(*ms);
                    }
                    Expr::Filter(Filter::Before(ms)) => {
                        let r = range.get_or_insert((i64::MIN, i64::MAX));
                        r.1 = r.1.min(*ms);
                    }
                    Expr::Not(inner) => clauses.push((Occur::MustNot, compile(f, cache, inner))),
                    e => clauses.push((Occur::Must, compile(f, cache, e))),
                }
            }
            if let Some((lo, hi)) = range {
                clauses.push((Occur::Must, time(lo, hi)));
            }
            if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Expr::Or(items) => Box::new(BooleanQuery::new(
            items
                .iter()
                .map(|e| (Occur::Should, compile(f, cache, e)))
                .collect(),
        )),
        Expr::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(f, cache, inner)),
        ])),
    }
}

/// 1–2 characters: the gram's term; more: a phrase over the overlapping bigrams.
fn text_query(f: &Fields, folded: &str) -> Box<dyn TantivyQuery> {
    let bounds: Vec<usize> = folded
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(folded.len()))
        .collect();
    let chars = bounds.len() - 1;
    if chars <= 2 {
        return Box::new(TermQuery::new(
            Term::from_field_text(f.text, folded),
            IndexRecordOption::WithFreqs,
        ));
    }
    let terms = (0..chars - 1)
        .map(|i| {
            (
                i,
                Term::from_field_text(f.text, &folded[bounds[i]..bounds[i + 2]]),
            )
        })
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}
