//! `dossier annotate` and `dossier annotations`: the app's annotations for scripts, through the
//! same `dossier_api::review::annotations` functions and the same outbox (uploaded by the next
//! `dossier sync`).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use dossier_api::ApiError;
use dossier_api::review::annotations::{annotations, save_annotation};
use dossier_api::review::{
    AnnotationFilter, AnnotationInput, AnnotationTargetKind, AnnotationTargetView, AnnotationView,
    VerdictView,
};

use super::ProfileOpts;

/// A verdict as typed on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum VerdictArg {
    /// A real violation.
    ConfirmedViolation,
    /// Not a violation.
    FalsePositive,
    /// Needs someone senior.
    Escalate,
    /// Looked at, nothing to do.
    Cleared,
}

impl From<VerdictArg> for VerdictView {
    fn from(v: VerdictArg) -> Self {
        match v {
            VerdictArg::ConfirmedViolation => VerdictView::ConfirmedViolation,
            VerdictArg::FalsePositive => VerdictView::FalsePositive,
            VerdictArg::Escalate => VerdictView::Escalate,
            VerdictArg::Cleared => VerdictView::Cleared,
        }
    }
}

/// `dossier annotate --profile DIR --msgid ID [--verdict V] [--comment TEXT] [--tag T]…`
#[derive(Args, Debug)]
pub struct AnnotateArgs {
    #[command(flatten)]
    profile: ProfileOpts,
    /// The message to annotate.
    #[arg(long, value_name = "ID")]
    msgid: String,
    /// The verdict.
    #[arg(long, value_enum)]
    verdict: Option<VerdictArg>,
    /// A comment.
    #[arg(long, value_name = "TEXT", default_value = "")]
    comment: String,
    /// A tag (repeat for more).
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    /// Print the annotation as JSON.
    #[arg(long)]
    json: bool,
}

/// `dossier annotations --profile DIR [--json] [--msgid ID] [--mine]`
#[derive(Args, Debug)]
pub struct AnnotationsArgs {
    #[command(flatten)]
    profile: ProfileOpts,
    /// Only those on this message.
    #[arg(long, value_name = "ID")]
    msgid: Option<String>,
    /// Only this account's own.
    #[arg(long)]
    mine: bool,
    /// One JSON object per annotation.
    #[arg(long)]
    json: bool,
}

/// Runs `dossier annotate`: 0 on success, 2 for bad input, 3 when the account may not annotate
/// (auditors), 1 otherwise.
pub fn run_annotate(args: AnnotateArgs) -> ExitCode {
    super::run("annotate", async move {
        if args.comment.trim().is_empty() && args.verdict.is_none() && args.tags.is_empty() {
            return Err(ApiError::bad_input("give at least one of --verdict, --comment, --tag").into());
        }
        let session = args.profile.open().await?;
        let input = AnnotationInput {
            id: None,
            target: AnnotationTargetView {
                kind: AnnotationTargetKind::Message,
                conversation: String::new(),
                msgid: Some(args.msgid),
                span: None,
            },
            comment: args.comment,
            tags: args.tags,
            verdict: args.verdict.map(VerdictView::from),
        };
        let saved = save_annotation(&session, input).await?;
        let mut out = std::io::stdout().lock();
        if args.json {
            writeln!(out, "{}", serde_json::to_string(&saved)?)?;
        } else {
            writeln!(
                out,
                "annotation {} saved; it is uploaded with the next `dossier sync`",
                saved.id
            )?;
        }
        Ok(())
    })
}

/// Runs `dossier annotations`.
pub fn run_annotations(args: AnnotationsArgs) -> ExitCode {
    super::run("annotations", async move {
        let session = args.profile.open().await?;
        let filter = AnnotationFilter {
            msgid: args.msgid,
            mine: args.mine,
            ..AnnotationFilter::default()
        };
        let list = annotations(&session, filter).await?;
        let mut out = std::io::stdout().lock();
        for a in &list {
            if args.json {
                writeln!(out, "{}", serde_json::to_string(a)?)?;
            } else {
                writeln!(out, "{}", line(a))?;
            }
        }
        Ok(())
    })
}

/// One annotation as a line of text (the comment is the reviewer's own words, not archive content).
fn line(a: &AnnotationView) -> String {
    let target = a.target.msgid.as_deref().unwrap_or(&a.target.conversation);
    let verdict = a
        .verdict
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "-".to_owned());
    let pending = if a.pending { " (not yet synced)" } else { "" };
    format!(
        "{}\t{}\t{}\t{verdict}\t[{}]\t{}{pending}",
        a.id,
        target,
        a.author,
        a.tags.join(","),
        a.comment
    )
}
