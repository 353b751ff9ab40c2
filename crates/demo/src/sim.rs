//! The simulation: conversations arrive over time, each with a plan of moves; a heap keyed by the next
//! move's time interleaves them, so messages come out in time order and only active conversations are
//! held in memory.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::clock::{self, ARCHIVE_START_MS};
use crate::json::{Obj, object_string};
use crate::media::{Cat, MediaPool, media_file_name, sub_seed};
use crate::org::{CORP_NAME, Org};
use crate::risk::{self, RULES, weighted};
use crate::text::{self, Industry, Slots};
use crate::truth::{TruthWriter, write_rules};
use crate::{DemoError, Options, Summary, create_file};

/// Probability that an employee's answer to a customer run is planted late (past the reply limit).
const P_TIMEOUT: f64 = 0.02;
/// Conversations started per front-line employee per minute at peak.
const ARRIVALS_PER_EMP_MIN: f64 = 0.028;
/// Rough messages per front-line employee per working day, for the span estimate.
const MSGS_PER_EMP_DAY: f64 = 150.0;
const ARRIVAL: usize = usize::MAX;

/// Top-level fields after `msgtype`: (key, serialised JSON value).
type Fields = Vec<(&'static str, Vec<u8>)>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sel {
    COpen,
    EOpen,
    CAsk,
    EAnswer,
    CComplain,
    EResolve,
    ERemind,
    CAck,
    CThanks,
    EGreet,
    EWait,
    EClose,
    CAngry,
    IPost,
    IReply,
    GPost,
    GCust,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Act {
    Say(Sel),
    Image,
    Voice,
    Video,
    Emotion,
    File,
    Link,
    Weapp,
    Card,
    Location,
    ChatRecord,
    Mixed,
    Meeting,
    Calendar,
    Doc,
    Todo,
    VoteNested,
    VoteTop,
    Collect,
    Markdown,
    News,
    MeetingVoiceCall,
    VoipDocShare,
    Sphfeed,
    Voiptext,
    Qydisk,
    Redpacket,
    ExtRedpacket,
    Agree,
    Disagree,
    Switch,
    Word(usize),
    Phone,
    Wechat,
    BankCard,
    IdCard,
    QrImage,
    PersonalCard,
    NegExclusion,
    NegOrder,
    NegCard,
    NegId,
    Revoke,
}

impl Act {
    fn risky(self) -> Option<&'static str> {
        Some(match self {
            Act::Word(_) => "word",
            Act::Phone => "phone",
            Act::Wechat => "wechat",
            Act::BankCard => "bankcard",
            Act::QrImage => "qrcode",
            Act::PersonalCard => "card",
            _ => return None,
        })
    }
}

#[derive(Clone, Copy)]
struct Move {
    side: u8,
    act: Act,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Single { e: usize, c: usize },
    Pair { a: usize, b: usize },
    Group { g: usize },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    E(usize),
    C(usize),
}

struct Conv {
    kind: Kind,
    industry: Industry,
    product: &'static str,
    moves: Vec<Move>,
    next: usize,
    complaint: bool,
    last: Option<(Who, String, Option<&'static str>)>,
    awaiting: Option<(String, i64)>,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    TransferFail { to: usize, c: usize },
    Dismiss { g: usize },
    DelExternal { e: usize, c: usize },
    DelFollow { e: usize, c: usize },
    Approved { e: usize, c: usize },
}

struct MsgWriter {
    dir: PathBuf,
    per_file: u64,
    split: bool,
    cur: Option<(PathBuf, BufWriter<File>)>,
    in_file: u64,
    files: Vec<String>,
    bytes: u64,
}

impl MsgWriter {
    fn write(&mut self, line: &[u8]) -> Result<(), DemoError> {
        if self.cur.is_none() || (self.split && self.in_file >= self.per_file) {
            self.close()?;
            let name = if self.split {
                format!("messages-{:06}.jsonl", self.files.len() + 1)
            } else {
                "messages.jsonl".to_string()
            };
            let path = self.dir.join(&name);
            let f = File::create(&path).map_err(|e| DemoError::io(&path, e))?;
            self.cur = Some((path, BufWriter::with_capacity(1 << 20, f)));
            self.files.push(name);
            self.in_file = 0;
        }
        if let Some((path, w)) = self.cur.as_mut() {
            w.write_all(line).map_err(|e| DemoError::io(path, e))?;
        }
        self.in_file += 1;
        self.bytes += line.len() as u64;
        Ok(())
    }

    fn close(&mut self) -> Result<(), DemoError> {
        if let Some((path, mut w)) = self.cur.take() {
            w.flush().map_err(|e| DemoError::io(&path, e))?;
        }
        Ok(())
    }
}

struct Sim<'a> {
    o: &'a Options,
    rng: ChaCha8Rng,
    org: Org,
    pool: MediaPool,
    out: MsgWriter,
    truth: TruthWriter,
    events_path: PathBuf,
    events: BufWriter<File>,
    pending: BinaryHeap<Reverse<(i64, u64, Event)>>,
    n_events: u64,
    convs: Vec<Option<Conv>>,
    free: Vec<usize>,
    /// Customers in an active single chat (one conversation per customer at a time).
    busy: Vec<bool>,
    heap: BinaryHeap<Reverse<(i64, u64, usize)>>,
    tick: u64,
    seq: u64,
    emitted: u64,
    open_runs: u64,
    salt: u64,
    line: Vec<u8>,
    text: String,
    first: i64,
    last: i64,
    peak_rate: f64,
}

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Log-normal sample with the given median and sigma.
fn lognormal<R: Rng>(rng: &mut R, median: f64, sigma: f64) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    median * (sigma * z).exp()
}

pub(crate) fn run(o: &Options, dir: &Path) -> Result<Summary, DemoError> {
    let mut org_rng = ChaCha8Rng::from_seed(sub_seed(o.seed, "org", 0));
    let front_est = (o.employees as f64 * 11.0 / 12.0).max(1.0);
    let span_days = o.messages as f64 / (front_est * MSGS_PER_EMP_DAY) * 7.0 / 5.0;
    let span_ms = (span_days * 86_400_000.0) as i64;
    let org = Org::generate(&mut org_rng, o.employees, o.messages, span_ms.max(86_400_000));
    let events_path = dir.join("events.jsonl");
    let events = create_file(&events_path)?;
    let frontline: usize = org.frontline.iter().map(Vec::len).sum();
    let mut sim = Sim {
        o,
        rng: ChaCha8Rng::from_seed(sub_seed(o.seed, "sim", 0)),
        pool: MediaPool::new(o.seed, o.messages, &dir.join("media")),
        out: MsgWriter {
            dir: dir.to_path_buf(),
            per_file: o.lines_per_file,
            split: o.messages > o.lines_per_file,
            cur: None,
            in_file: 0,
            files: Vec::new(),
            bytes: 0,
        },
        truth: TruthWriter::new(dir, o)?,
        events_path,
        events,
        pending: BinaryHeap::new(),
        n_events: 0,
        convs: Vec::new(),
        free: Vec::new(),
        busy: Vec::new(),
        heap: BinaryHeap::new(),
        tick: 0,
        seq: 0,
        emitted: 0,
        open_runs: 0,
        salt: mix(o.seed),
        line: Vec::with_capacity(4096),
        text: String::with_capacity(256),
        first: 0,
        last: 0,
        peak_rate: frontline.max(1) as f64 * ARRIVALS_PER_EMP_MIN,
        org,
    };
    sim.busy = vec![false; sim.org.customers.len()];
    sim.schedule_org_events();
    sim.push(ARCHIVE_START_MS + 7 * 3_600_000, ARRIVAL);
    while sim.emitted < o.messages {
        let Some(Reverse((t, _, slot))) = sim.heap.pop() else {
            break;
        };
        sim.flush_events(t)?;
        if slot == ARRIVAL {
            if sim.emitted + sim.open_runs < o.messages {
                sim.start_conv(t);
                let next = sim.next_arrival(t);
                sim.push(next, ARRIVAL);
            }
            continue;
        }
        sim.step(slot, t)?;
    }
    sim.flush_events(i64::MAX)?;
    sim.out.close()?;
    sim.events
        .flush()
        .map_err(|e| DemoError::io(&sim.events_path, e))?;
    let events_bytes = std::fs::metadata(&sim.events_path).map(|m| m.len()).unwrap_or(0);
    let org_bytes = sim.org.write_files(dir)?;
    let rules_bytes = write_rules(dir)?;
    let (items, negatives, truth_bytes) = sim.truth.finish()?;
    Ok(Summary {
        messages: sim.emitted,
        message_files: sim.out.files.clone(),
        employees: sim.org.employees.len(),
        customers: sim.org.customers.len(),
        groups: sim.org.groups.len(),
        events: sim.n_events,
        media_files: sim.pool.files,
        media_bytes: sim.pool.bytes,
        truth_items: items,
        negatives,
        bytes: sim.out.bytes + events_bytes + org_bytes + rules_bytes + truth_bytes + sim.pool.bytes,
        first_msgtime: sim.first,
        last_msgtime: sim.last,
    })
}

impl Sim<'_> {
    fn push(&mut self, t: i64, slot: usize) {
        self.tick += 1;
        self.heap.push(Reverse((t, self.tick, slot)));
    }

    fn schedule_event(&mut self, t: i64, ev: Event) {
        self.tick += 1;
        self.pending.push(Reverse((t, self.tick, ev)));
    }

    fn schedule_org_events(&mut self) {
        let mut evs = Vec::new();
        for (c, cust) in self.org.customers.iter().enumerate() {
            let emp = &self.org.employees[cust.owner];
            if let (Some(at), Some(to), true) = (emp.departed_at, emp.successor, cust.transfer_failed) {
                evs.push((
                    at + 86_400_000 + (c as i64 % 3600) * 1000,
                    Event::TransferFail { to, c },
                ));
            }
        }
        for (g, grp) in self.org.groups.iter().enumerate() {
            if let Some(at) = grp.dismissed_at {
                evs.push((at, Event::Dismiss { g }));
            }
        }
        for (t, ev) in evs {
            self.schedule_event(t, ev);
        }
    }

    fn flush_events(&mut self, upto: i64) -> Result<(), DemoError> {
        while self.pending.peek().is_some_and(|e| e.0.0 <= upto) {
            let Some(Reverse((t, _, ev))) = self.pending.pop() else {
                break;
            };
            self.write_event(t, ev)?;
        }
        Ok(())
    }

    fn write_event(&mut self, t: i64, ev: Event) -> Result<(), DemoError> {
        let secs = t / 1000;
        let mut buf = Vec::with_capacity(256);
        let mut o = Obj::new(&mut buf);
        o.s("ToUserName", &self.org.corpid)
            .s("FromUserName", "sys")
            .n("CreateTime", secs);
        o.s("MsgType", "event");
        let truth: Option<(&str, String, String)> = match ev {
            Event::TransferFail { to, c } => {
                o.s("Event", "change_external_contact")
                    .s("ChangeType", "transfer_fail");
                o.s("FailReason", "customer_refused");
                o.s("UserID", &self.org.employees[to].userid)
                    .s("ExternalUserID", &self.org.customers[c].id);
                None
            }
            Event::Dismiss { g } => {
                let grp = &self.org.groups[g];
                o.s("Event", "change_external_chat")
                    .s("ChatId", &grp.roomid)
                    .s("ChangeType", "dismiss");
                Some((
                    "dismiss",
                    grp.roomid.clone(),
                    self.org.employees[grp.owner].userid.clone(),
                ))
            }
            Event::DelExternal { e, c } | Event::DelFollow { e, c } => {
                let kind = if matches!(ev, Event::DelExternal { .. }) {
                    "del_external_contact"
                } else {
                    "del_follow_user"
                };
                o.s("Event", "change_external_contact").s("ChangeType", kind);
                o.s("UserID", &self.org.employees[e].userid)
                    .s("ExternalUserID", &self.org.customers[c].id);
                if kind == "del_external_contact" {
                    o.s("Source", "");
                }
                Some((
                    kind,
                    self.org.employees[e].userid.clone(),
                    self.org.customers[c].id.clone(),
                ))
            }
            Event::Approved { e, c } => {
                o.s("Event", "change_external_contact")
                    .s("ChangeType", "msg_audit_approved");
                o.s("UserID", &self.org.employees[e].userid)
                    .s("ExternalUserID", &self.org.customers[c].id);
                o.s("WelcomeCode", &crate::names::alnum(&mut self.rng, 22));
                None
            }
        };
        o.close();
        buf.push(b'\n');
        self.events
            .write_all(&buf)
            .map_err(|e| DemoError::io(&self.events_path, e))?;
        self.n_events += 1;
        if let Some((kind, a, b)) = truth {
            self.truth.item(None, kind, |o| {
                if kind == "dismiss" {
                    o.s("chat_id", &a).s("owner", &b);
                } else {
                    o.s("userid", &a).s("external_userid", &b);
                }
                o.n("time", secs);
            })?;
        }
        Ok(())
    }

    /// Arrival intensity relative to the peak at `t`.
    fn intensity(t: i64) -> f64 {
        let h = clock::local_ms_of_day(t) / 3_600_000;
        let base = match h {
            9..=17 => 1.0,
            8 | 18..=20 => 0.35,
            21 | 22 => 0.12,
            _ => 0.015,
        };
        if clock::is_workday(clock::local_day(t)) {
            base
        } else {
            base * 0.25
        }
    }

    fn next_arrival(&mut self, t: i64) -> i64 {
        let mut t = t;
        loop {
            let u: f64 = self.rng.random_range(f64::EPSILON..1.0);
            t += (-u.ln() / self.peak_rate * 60_000.0) as i64 + 1;
            if self.rng.random::<f64>() < Self::intensity(t) {
                return t;
            }
        }
    }

    fn alloc(&mut self, conv: Conv) -> usize {
        match self.free.pop() {
            Some(s) => {
                self.convs[s] = Some(conv);
                s
            }
            None => {
                self.convs.push(Some(conv));
                self.convs.len() - 1
            }
        }
    }

    fn start_conv(&mut self, t: i64) {
        let working = clock::in_working_hours(t);
        let roll = self.rng.random_range(0..100);
        let conv = if roll < 72 || !working {
            self.plan_single(t)
        } else if roll < 82 {
            self.plan_group(t, false)
        } else if roll < 93 {
            self.plan_group(t, true)
        } else {
            self.plan_pair(t)
        };
        let Some(conv) = conv else { return };
        let mut t0 = t;
        if conv.moves.first().is_some_and(|m| m.side == 0) && !working {
            // Employees start conversations in working hours.
            t0 = clock::add_working_ms(t, self.rng.random_range(0..300 * 60_000));
        }
        let slot = self.alloc(conv);
        self.push(t0, slot);
    }

    fn pick_product(&mut self, ind: Industry) -> &'static str {
        let p = ind.bank().products;
        p[self.rng.random_range(0..p.len())]
    }

    fn plan_single(&mut self, t: i64) -> Option<Conv> {
        let n = self.org.customers.len();
        let mut found = None;
        for _ in 0..8 {
            let c = self.rng.random_range(0..n);
            if self.busy[c] {
                continue;
            }
            if let Some(e) = self.org.owner_at(c, t) {
                found = Some((c, e));
                break;
            }
        }
        let (c, e) = found?;
        self.busy[c] = true;
        let ind = self.org.customers[c].industry;
        let mut m: Vec<Move> = Vec::new();
        let r = &mut self.rng;
        let mut say = |side: u8, sel: Sel| {
            m.push(Move {
                side,
                act: Act::Say(sel),
            })
        };
        let scenario = weighted(r, &[(0u8, 40), (1, 25), (2, 12), (3, 15), (4, 8)]);
        let complaint = scenario == 2;
        match scenario {
            0 => {
                say(1, Sel::COpen);
                if r.random_bool(0.3) {
                    say(1, Sel::CAsk);
                }
                if r.random_bool(0.5) {
                    say(0, Sel::EGreet);
                }
                if r.random_bool(0.2) {
                    say(0, Sel::EWait);
                }
                say(0, Sel::EAnswer);
                for _ in 0..r.random_range(0..4) {
                    say(1, Sel::CAsk);
                    say(0, Sel::EAnswer);
                }
                say(
                    1,
                    if r.random_bool(0.6) {
                        Sel::CThanks
                    } else {
                        Sel::CAck
                    },
                );
                say(0, Sel::EClose);
            }
            1 => {
                say(0, Sel::EOpen);
                if r.random_bool(0.75) {
                    say(1, if r.random_bool(0.6) { Sel::CAsk } else { Sel::CAck });
                    say(0, Sel::EAnswer);
                    for _ in 0..r.random_range(0..3) {
                        say(1, Sel::CAsk);
                        say(0, Sel::EAnswer);
                    }
                    say(1, Sel::CAck);
                    say(0, Sel::EClose);
                }
            }
            2 => {
                say(1, Sel::CComplain);
                if r.random_bool(0.4) {
                    say(1, Sel::CAngry);
                }
                say(0, Sel::EResolve);
                if r.random_bool(0.5) {
                    say(1, Sel::CAngry);
                    say(0, Sel::EResolve);
                }
                say(
                    1,
                    if r.random_bool(0.6) {
                        Sel::CAck
                    } else {
                        Sel::CThanks
                    },
                );
                say(0, Sel::EClose);
            }
            3 => {
                say(0, Sel::ERemind);
                if r.random_bool(0.7) {
                    say(1, Sel::CAck);
                    say(0, Sel::EClose);
                }
            }
            _ => {
                say(0, Sel::EOpen);
                say(0, Sel::EAnswer);
                if r.random_bool(0.6) {
                    say(1, Sel::CThanks);
                    say(0, Sel::EClose);
                }
            }
        }
        let cust = &mut self.org.customers[c];
        if !cust.agreed {
            cust.agreed = true;
            let act = if self.rng.random_bool(0.92) {
                Act::Agree
            } else {
                Act::Disagree
            };
            m.insert(0, Move { side: 1, act });
            if m.last().is_some_and(|l| l.side == 1) {
                m.push(Move {
                    side: 0,
                    act: Act::Say(Sel::EGreet),
                });
            }
        }
        let ext_kind2 = self.org.customers[c].kind == 2;
        self.decorate(&mut m, ind, true, complaint, ext_kind2);
        let product = self.pick_product(ind);
        Some(Conv {
            kind: Kind::Single { e, c },
            industry: ind,
            product,
            moves: m,
            next: 0,
            complaint,
            last: None,
            awaiting: None,
        })
    }

    fn plan_group(&mut self, t: i64, internal: bool) -> Option<Conv> {
        let candidates: Vec<usize> = (0..self.org.groups.len())
            .filter(|&g| {
                let grp = &self.org.groups[g];
                grp.internal == internal
                    && grp.dismissed_at.is_none_or(|d| d > t + 3_600_000)
                    && grp.employees.iter().any(|&e| self.org.active_at(e, t))
            })
            .collect();
        let g = *candidates.choose(&mut self.rng)?;
        let ind = self.org.groups[g].industry.unwrap_or(Industry::Wealth);
        let r = &mut self.rng;
        let mut m = Vec::new();
        if internal {
            let act = weighted(
                r,
                &[
                    (Act::Say(Sel::IPost), 40),
                    (Act::Markdown, 8),
                    (Act::News, 4),
                    (Act::Calendar, 6),
                    (Act::Meeting, 6),
                    (Act::Doc, 8),
                    (Act::Todo, 4),
                    (Act::VoteNested, 2),
                    (Act::VoteTop, 2),
                    (Act::Collect, 2),
                    (Act::File, 8),
                    (Act::ChatRecord, 3),
                    (Act::Mixed, 3),
                    (Act::MeetingVoiceCall, 2),
                    (Act::VoipDocShare, 2),
                    (Act::Image, 4),
                    (Act::Qydisk, 2),
                ],
            );
            m.push(Move { side: 0, act });
            for _ in 0..r.random_range(0..6) {
                let act = weighted(
                    r,
                    &[
                        (Act::Say(Sel::IReply), 80),
                        (Act::Emotion, 8),
                        (Act::Image, 4),
                        (Act::Voice, 5),
                        (Act::File, 2),
                    ],
                );
                m.push(Move { side: 1, act });
            }
        } else {
            let act = weighted(
                r,
                &[
                    (Act::Say(Sel::GPost), 50),
                    (Act::Link, 14),
                    (Act::Weapp, 10),
                    (Act::Sphfeed, 8),
                    (Act::Image, 10),
                    (Act::File, 5),
                    (Act::News, 3),
                    (Act::Redpacket, 2),
                ],
            );
            m.push(Move { side: 0, act });
            for _ in 0..r.random_range(0..8) {
                let act = weighted(
                    r,
                    &[
                        (Act::Say(Sel::GCust), 75),
                        (Act::Emotion, 10),
                        (Act::Image, 6),
                        (Act::Voice, 4),
                        (Act::ExtRedpacket, 1),
                    ],
                );
                m.push(Move { side: 1, act });
            }
            if r.random_bool(0.5) {
                m.push(Move {
                    side: 0,
                    act: Act::Say(Sel::EAnswer),
                });
            }
            self.decorate(&mut m, ind, false, false, true);
        }
        let product = self.pick_product(ind);
        Some(Conv {
            kind: Kind::Group { g },
            industry: ind,
            product,
            moves: m,
            next: 0,
            complaint: false,
            last: None,
            awaiting: None,
        })
    }

    fn plan_pair(&mut self, t: i64) -> Option<Conv> {
        let n = self.org.employees.len();
        let a = self.rng.random_range(0..n);
        let b = self.rng.random_range(0..n);
        if a == b || !self.org.active_at(a, t) || !self.org.active_at(b, t) {
            return None;
        }
        let ind = self.org.employees[a].industry.unwrap_or(Industry::Wealth);
        let r = &mut self.rng;
        let mut m = Vec::new();
        for i in 0..r.random_range(2..8) {
            let side = (i % 2) as u8;
            let act = if side == 0 {
                weighted(
                    r,
                    &[
                        (Act::Say(Sel::IPost), 50),
                        (Act::ChatRecord, 8),
                        (Act::File, 6),
                        (Act::Doc, 4),
                        (Act::Todo, 3),
                        (Act::Voiptext, 4),
                        (Act::MeetingVoiceCall, 2),
                        (Act::Image, 4),
                        (Act::Voice, 4),
                        (Act::Switch, 1),
                    ],
                )
            } else {
                weighted(
                    r,
                    &[
                        (Act::Say(Sel::IReply), 85),
                        (Act::Emotion, 8),
                        (Act::Voice, 4),
                        (Act::Voiptext, 2),
                    ],
                )
            };
            m.push(Move { side, act });
        }
        let product = self.pick_product(ind);
        Some(Conv {
            kind: Kind::Pair { a, b },
            industry: ind,
            product,
            moves: m,
            next: 0,
            complaint: false,
            last: None,
            awaiting: None,
        })
    }

    /// Plants risk, near misses, media, revokes and switch records into a customer-facing plan.
    fn decorate(&mut self, m: &mut Vec<Move>, ind: Industry, single: bool, complaint: bool, wo: bool) {
        let r = &mut self.rng;
        let finance = matches!(ind, Industry::Insurance | Industry::Wealth | Industry::Securities);
        let mut out = Vec::with_capacity(m.len() + 2);
        for (i, mv) in m.iter().enumerate() {
            let mut mv = *mv;
            if let Act::Say(sel) = mv.act {
                let x: f64 = r.random();
                if mv.side == 0 {
                    let employee_rule = weighted(r, &[(0usize, 40), (1, 30), (3, 20), (4, 10)]);
                    let table: [(f64, Act); 12] = [
                        (0.014, Act::Word(employee_rule)),
                        (0.004, Act::Phone),
                        (0.004, Act::Wechat),
                        (0.001, Act::BankCard),
                        (0.002, Act::QrImage),
                        (0.0015, Act::PersonalCard),
                        (0.003, Act::Redpacket),
                        (if finance { 0.006 } else { 0.002 }, Act::NegExclusion),
                        (0.002, Act::NegOrder),
                        (0.0015, Act::NegCard),
                        (0.0008, Act::NegId),
                        (0.0, Act::Revoke),
                    ];
                    let mut acc = 0.0;
                    let mut chosen = None;
                    for (p, a) in table {
                        acc += p;
                        if x < acc {
                            chosen = Some(a);
                            break;
                        }
                    }
                    if let Some(a) = chosen {
                        mv.act = a;
                    } else if i > 0 && sel != Sel::EClose && r.random_bool(if single { 0.12 } else { 0.05 }) {
                        mv.act = weighted(
                            r,
                            &[
                                (Act::Image, 25),
                                (Act::File, 18),
                                (Act::Link, 18),
                                (Act::Weapp, 8),
                                (Act::Voice, 10),
                                (Act::Emotion, 8),
                                (Act::Location, 2),
                                (Act::Video, 3),
                                (Act::Card, 2),
                                (Act::Voiptext, 3),
                                (Act::MeetingVoiceCall, 1),
                                (Act::VoipDocShare, 1),
                                (Act::Sphfeed, 2),
                                (Act::ChatRecord, 1),
                                (Act::Mixed, 3),
                                (Act::Qydisk, 1),
                            ],
                        );
                    }
                } else {
                    let insult = if complaint || sel == Sel::CAngry {
                        0.06
                    } else {
                        0.002
                    };
                    if x < insult {
                        mv.act = Act::Word(2);
                    } else if x < insult + if finance { 0.004 } else { 0.0 } {
                        mv.act = Act::IdCard;
                    } else if x < insult + 0.006 {
                        mv.act = if ind == Industry::Ecommerce {
                            Act::BankCard
                        } else {
                            Act::Phone
                        };
                    } else if i > 0 && r.random_bool(if single { 0.15 } else { 0.04 }) {
                        mv.act = weighted(
                            r,
                            &[
                                (Act::Image, 35),
                                (Act::Voice, 25),
                                (Act::Emotion, 20),
                                (Act::Location, 4),
                                (Act::Video, 5),
                                (Act::File, 4),
                                (Act::Link, 4),
                                (Act::Mixed, 3),
                                (Act::Sphfeed, 1),
                                (Act::ExtRedpacket, if wo { 1 } else { 0 }),
                            ],
                        );
                    }
                }
            }
            if mv.side == 0 && r.random_bool(0.0015) {
                out.push(Move {
                    side: 0,
                    act: Act::Switch,
                });
            }
            out.push(mv);
            if mv.side == 0 {
                let p = if mv.act.risky().is_some() { 0.3 } else { 0.003 };
                if r.random_bool(p) {
                    out.push(Move {
                        side: 0,
                        act: Act::Revoke,
                    });
                }
            }
        }
        *m = out;
    }

    fn who(&mut self, conv: &Conv, side: u8, act: Act) -> Who {
        if act == Act::Revoke
            && let Some((w, _, _)) = &conv.last
        {
            return *w;
        }
        match conv.kind {
            Kind::Single { e, c } => {
                if side == 0 {
                    Who::E(e)
                } else {
                    Who::C(c)
                }
            }
            Kind::Pair { a, b } => Who::E(if side == 0 { a } else { b }),
            Kind::Group { g } => {
                let grp = &self.org.groups[g];
                if side == 0 || grp.internal || grp.customers.is_empty() {
                    Who::E(*grp.employees.choose(&mut self.rng).unwrap_or(&grp.owner))
                } else {
                    Who::C(*grp.customers.choose(&mut self.rng).unwrap_or(&0))
                }
            }
        }
    }

    fn id_of(&self, w: Who) -> &str {
        match w {
            Who::E(e) => &self.org.employees[e].userid,
            Who::C(c) => &self.org.customers[c].id,
        }
    }

    fn step(&mut self, slot: usize, t: i64) -> Result<(), DemoError> {
        let Some(mut conv) = self.convs[slot].take() else {
            return Ok(());
        };
        let mut mv = conv.moves[conv.next];
        // Groups that were dissolved and staff who left stop talking.
        let gone = match conv.kind {
            Kind::Group { g } => self.org.groups[g].dismissed_at.is_some_and(|d| d <= t),
            Kind::Single { e, .. } | Kind::Pair { a: e, .. } => {
                self.org.employees[e].departed_at.is_some_and(|d| d <= t) && conv.awaiting.is_none()
            }
        };
        if gone {
            self.release(slot, &conv);
            return Ok(());
        }
        let single = matches!(conv.kind, Kind::Single { .. });
        let mut opens = single
            && mv.side == 1
            && conv.awaiting.is_none()
            && !matches!(mv.act, Act::Agree | Act::Disagree | Act::Revoke);
        let mut closes = single && mv.side == 0 && conv.awaiting.is_some() && mv.act != Act::Switch;
        let delta = 1 + u64::from(opens);
        let budget = self.emitted + self.open_runs + delta - u64::from(closes);
        let mut last_move = conv.next + 1 >= conv.moves.len();
        if budget > self.o.messages {
            if conv.awaiting.is_some() {
                // Out of budget: answer the waiting customer and end the conversation.
                mv = Move {
                    side: 0,
                    act: Act::Say(Sel::EClose),
                };
                opens = false;
                closes = true;
                last_move = true;
            } else {
                self.release(slot, &conv);
                return Ok(());
            }
        }
        self.emit(&mut conv, mv, t)?;
        if opens {
            self.open_runs += 1;
        }
        if closes {
            self.open_runs -= 1;
        }
        conv.next += 1;
        if last_move {
            self.end_conv(&conv, t);
            self.release(slot, &conv);
            return Ok(());
        }
        let next = conv.moves[conv.next];
        let nt = self.next_time(&conv, t, mv.side, next);
        self.convs[slot] = Some(conv);
        self.push(nt, slot);
        Ok(())
    }

    fn release(&mut self, slot: usize, conv: &Conv) {
        if let Kind::Single { c, .. } = conv.kind {
            self.busy[c] = false;
        }
        self.free.push(slot);
    }

    fn next_time(&mut self, conv: &Conv, t: i64, prev_side: u8, next: Move) -> i64 {
        let r = &mut self.rng;
        if next.act == Act::Revoke {
            return t + r.random_range(5_000..110_000);
        }
        if next.side == prev_side {
            return t + r.random_range(3_000..90_000);
        }
        match conv.kind {
            Kind::Single { .. } if next.side == 0 => {
                let start = conv.awaiting.as_ref().map_or(t, |a| a.1);
                let limit_ms = i64::from(self.o.reply_limit_minutes) * 60_000;
                let hour = clock::local_ms_of_day(t) / 3_600_000;
                let reply = if r.random_bool(P_TIMEOUT) {
                    clock::add_working_ms(start, (limit_ms as f64 * r.random_range(1.3..5.0)) as i64)
                } else if !clock::in_working_hours(start) && (8..22).contains(&hour) && r.random_bool(0.35) {
                    t + r.random_range(60_000..900_000)
                } else {
                    let d = lognormal(r, 150_000.0, 1.0).min(limit_ms as f64 * 0.6);
                    clock::add_working_ms(start, d as i64)
                };
                reply.max(t + r.random_range(5_000..40_000))
            }
            Kind::Single { .. } => {
                let mut nt = t + lognormal(r, 180_000.0, 1.3).min(30.0 * 3_600_000.0) as i64 + 2_000;
                let m = clock::local_ms_of_day(nt) / 60_000;
                if !(450..1410).contains(&m) {
                    // Customers sleep from 23:30 to 07:30.
                    let day = clock::local_day(nt) + i64::from(m >= 1410);
                    nt = clock::day_start(day) + 450 * 60_000 + r.random_range(0..150 * 60_000);
                }
                nt
            }
            Kind::Pair { .. } => {
                let nt = t + lognormal(r, 60_000.0, 1.0).min(3_600_000.0) as i64 + 2_000;
                if clock::in_working_hours(nt) {
                    nt
                } else {
                    clock::add_working_ms(nt, r.random_range(0..1_800_000))
                }
            }
            Kind::Group { .. } => t + r.random_range(10_000..900_000),
        }
    }

    fn end_conv(&mut self, conv: &Conv, t: i64) {
        if let Kind::Single { e, c } = conv.kind {
            let p = if conv.complaint { 0.08 } else { 0.003 };
            if self.rng.random_bool(p) {
                let at = t + self.rng.random_range(60_000..2 * 86_400_000);
                self.org.customers[c].deleted = true;
                let ev = if self.rng.random_bool(0.5) {
                    Event::DelExternal { e, c }
                } else {
                    Event::DelFollow { e, c }
                };
                self.schedule_event(at, ev);
            }
        }
    }

    /// Writes one message line.
    fn emit(&mut self, conv: &mut Conv, mv: Move, t: i64) -> Result<(), DemoError> {
        let who = self.who(conv, mv.side, mv.act);
        self.seq += 1;
        let seq = self.seq;
        let external = !matches!(conv.kind, Kind::Pair { .. })
            && !matches!(conv.kind, Kind::Group { g } if self.org.groups[g].internal);
        let msgid = if external {
            format!("{}_{}_external", mix(seq ^ self.salt), t)
        } else {
            format!("{}_{}", mix(seq ^ self.salt), t / 1000)
        };
        if self.emitted == 0 {
            self.first = t;
        }
        self.last = t;
        self.emitted += 1;

        if mv.act == Act::Switch {
            let user = match who {
                Who::E(e) => self.org.employees[e].userid.clone(),
                Who::C(_) => String::new(),
            };
            self.line.clear();
            let mut o = Obj::new(&mut self.line);
            o.u("seq", seq)
                .s("msgid", &msgid)
                .s("action", "switch")
                .n("time", t)
                .s("user", &user);
            o.close();
            self.line.push(b'\n');
            let line = std::mem::take(&mut self.line);
            self.out.write(&line)?;
            self.line = line;
            return Ok(());
        }

        let from = self.id_of(who).to_string();
        let (tolist, roomid): (Vec<String>, Option<String>) = match conv.kind {
            Kind::Single { e, c } => {
                let other = if matches!(who, Who::E(_)) {
                    Who::C(c)
                } else {
                    Who::E(e)
                };
                (vec![self.id_of(other).to_string()], Some(String::new()))
            }
            Kind::Pair { a, b } => {
                let other = if who == Who::E(a) { b } else { a };
                (
                    vec![self.org.employees[other].userid.clone()],
                    Some(String::new()),
                )
            }
            Kind::Group { g } => {
                let grp = &self.org.groups[g];
                let mut v: Vec<String> = Vec::with_capacity(grp.employees.len() + grp.customers.len());
                for &e in &grp.employees {
                    if who != Who::E(e) {
                        v.push(self.org.employees[e].userid.clone());
                    }
                }
                for &c in &grp.customers {
                    if who != Who::C(c) {
                        v.push(self.org.customers[c].id.clone());
                    }
                }
                (v, Some(grp.roomid.clone()))
            }
        };
        let mut act = mv.act;
        if act == Act::ExtRedpacket && !matches!(who, Who::C(c) if self.org.customers[c].kind == 2) {
            act = Act::Say(if mv.side == 0 { Sel::EAnswer } else { Sel::CAck });
        }
        let (msgtype, fields) = self.content(&*conv, who, act, &msgid, t)?;
        let roomid =
            if matches!(act, Act::MeetingVoiceCall | Act::VoipDocShare) && roomid.as_deref() == Some("") {
                None
            } else {
                roomid
            };
        let action = if act == Act::Revoke { "recall" } else { "send" };
        self.line.clear();
        let mut o = Obj::new(&mut self.line);
        o.u("seq", seq)
            .s("msgid", &msgid)
            .s("action", action)
            .s("from", &from)
            .strs("tolist", &tolist);
        if let Some(r) = &roomid {
            o.s("roomid", r);
        }
        o.n("msgtime", t).s("msgtype", msgtype);
        for (k, v) in &fields {
            o.raw(k, v);
        }
        o.close();
        self.line.push(b'\n');
        let line = std::mem::take(&mut self.line);
        self.out.write(&line)?;
        self.line = line;

        // Reply-timeout bookkeeping for single chats.
        if let Kind::Single { e, c } = conv.kind {
            if matches!(who, Who::C(_)) {
                if conv.awaiting.is_none() && !matches!(act, Act::Agree | Act::Disagree | Act::Revoke) {
                    conv.awaiting = Some((msgid.clone(), t));
                }
            } else if let Some((cm, ct)) = conv.awaiting.take() {
                let waited = clock::working_ms_between(ct, t);
                if waited > i64::from(self.o.reply_limit_minutes) * 60_000 {
                    let (uid, cid) = (
                        self.org.employees[e].userid.clone(),
                        self.org.customers[c].id.clone(),
                    );
                    let limit = u64::from(self.o.reply_limit_minutes);
                    self.truth.item(Some(&cm), "timeout", |o| {
                        o.f("minutes", (waited as f64 / 6_000.0).round() / 10.0)
                            .u("limit", limit);
                        o.s("reply_msgid", &msgid)
                            .s("userid", &uid)
                            .s("external_userid", &cid);
                    })?;
                }
            }
        }
        if act == Act::Agree
            && let Kind::Single { e, c } = conv.kind
        {
            self.schedule_event(t + 1000, Event::Approved { e, c });
        }
        conv.last = Some((who, msgid, act.risky()));
        Ok(())
    }

    /// Builds the content of a message: its msgtype and the top-level fields after `msgtype`.
    fn content(
        &mut self,
        conv: &Conv,
        who: Who,
        act: Act,
        msgid: &str,
        t: i64,
    ) -> Result<(&'static str, Fields), DemoError> {
        let secs = t / 1000;
        let one = |k: &'static str, f: &dyn Fn(&mut Obj<'_>)| {
            let mut b = Vec::with_capacity(128);
            let mut o = Obj::new(&mut b);
            f(&mut o);
            o.close();
            vec![(k, b)]
        };
        let from_side = match who {
            Who::E(_) => "employee",
            Who::C(_) => "customer",
        };
        Ok(match act {
            Act::Say(_)
            | Act::Word(_)
            | Act::Phone
            | Act::Wechat
            | Act::BankCard
            | Act::IdCard
            | Act::NegExclusion
            | Act::NegOrder
            | Act::NegCard
            | Act::NegId => {
                self.text.clear();
                self.compose_text(conv, who, act, msgid, from_side)?;
                let text = std::mem::take(&mut self.text);
                let r = (
                    "text",
                    one("text", &|o| {
                        o.s("content", &text);
                    }),
                );
                self.text = text;
                r
            }
            Act::Image | Act::QrImage => {
                let cat = if act == Act::QrImage { Cat::Qr } else { Cat::Image };
                let m = self.pool.take(&mut self.rng, cat)?;
                let (md5, size, id, payload) = (
                    m.md5sum.clone(),
                    m.size,
                    m.sdkfileid.clone(),
                    m.qr_payload.clone(),
                );
                if let Some(p) = payload {
                    let name = media_file_name(&id);
                    self.truth.item(Some(msgid), "qrcode", |o| {
                        o.s("from", from_side)
                            .s("sdkfileid", &id)
                            .s("media", &name)
                            .s("payload", &p);
                    })?;
                }
                (
                    "image",
                    one("image", &|o| {
                        o.s("md5sum", &md5).u("filesize", size).s("sdkfileid", &id);
                    }),
                )
            }
            Act::Voice => {
                let m = self.pool.take(&mut self.rng, Cat::Voice)?;
                let (md5, size, id, len) = (m.md5sum.clone(), m.size, m.sdkfileid.clone(), m.play_length);
                (
                    "voice",
                    one("voice", &|o| {
                        o.s("md5sum", &md5)
                            .u("voice_size", size)
                            .u("play_length", u64::from(len))
                            .s("sdkfileid", &id);
                    }),
                )
            }
            Act::Video => {
                let m = self.pool.take(&mut self.rng, Cat::Video)?;
                let (md5, size, id, len) = (m.md5sum.clone(), m.size, m.sdkfileid.clone(), m.play_length);
                (
                    "video",
                    one("video", &|o| {
                        o.s("md5sum", &md5)
                            .u("filesize", size)
                            .u("play_length", u64::from(len))
                            .s("sdkfileid", &id);
                    }),
                )
            }
            Act::Emotion => {
                let m = self.pool.take(&mut self.rng, Cat::Emotion)?;
                let (md5, size, id, w, gif) = (
                    m.md5sum.clone(),
                    m.size,
                    m.sdkfileid.clone(),
                    m.width,
                    m.ext == "gif",
                );
                (
                    "emotion",
                    one("emotion", &|o| {
                        o.n("type", if gif { 1 } else { 2 })
                            .u("width", u64::from(w))
                            .u("height", u64::from(w));
                        o.u("imagesize", size).s("md5sum", &md5).s("sdkfileid", &id);
                    }),
                )
            }
            Act::File => {
                let m = self.pool.take(&mut self.rng, Cat::Doc(conv.industry))?;
                let (md5, size, id, name, ext) = (
                    m.md5sum.clone(),
                    m.size,
                    m.sdkfileid.clone(),
                    m.filename.clone(),
                    m.ext,
                );
                (
                    "file",
                    one("file", &|o| {
                        o.s("md5sum", &md5)
                            .s("filename", &name)
                            .s("fileext", ext)
                            .u("filesize", size)
                            .s("sdkfileid", &id);
                    }),
                )
            }
            Act::VoipDocShare => {
                let m = self.pool.take(&mut self.rng, Cat::Doc(conv.industry))?;
                let (md5, size, id, name) =
                    (m.md5sum.clone(), m.size, m.sdkfileid.clone(), m.filename.clone());
                let voipid = format!(
                    "gr{:016x}{:016x}",
                    self.rng.random::<u64>(),
                    self.rng.random::<u64>()
                );
                let mut f = one("voip_doc_share", &|o| {
                    o.s("filename", &name)
                        .s("md5sum", &md5)
                        .u("filesize", size)
                        .s("sdkfileid", &id);
                });
                let mut v = Vec::new();
                crate::json::push_str(&mut v, &voipid);
                f.insert(0, ("voipid", v));
                ("voip_doc_share", f)
            }
            Act::MeetingVoiceCall => {
                let m = self.pool.take(&mut self.rng, Cat::Call)?;
                let (id, len) = (m.sdkfileid.clone(), i64::from(m.play_length));
                let voiceid = format!(
                    "gr{:016x}{:016x}",
                    self.rng.random::<u64>(),
                    self.rng.random::<u64>()
                );
                let speaker = self.id_of(who).to_string();
                let doc = format!("{:032x}.docx", self.rng.random::<u128>());
                let mut f = one("meeting_voice_call", &|o| {
                    o.n("endtime", secs + len).s("sdkfileid", &id);
                    o.arr("demofiledata", &[()], |o, _| {
                        o.s("filename", &doc)
                            .s("demooperator", &speaker)
                            .n("starttime", secs + 5)
                            .n("endtime", secs + 15);
                    });
                    o.arr("sharescreendata", &[()], |o, _| {
                        o.s("share", &speaker)
                            .n("starttime", secs + 20)
                            .n("endtime", secs + 25);
                    });
                });
                let mut v = Vec::new();
                crate::json::push_str(&mut v, &voiceid);
                f.insert(0, ("voiceid", v));
                ("meeting_voice_call", f)
            }
            Act::Link => {
                let p = conv.product;
                let token = crate::names::alnum(&mut self.rng, 10);
                (
                    "link",
                    one("link", &|o| {
                        o.s("title", &format!("{p}｜一文读懂"))
                            .s("description", "点击查看详情");
                        o.s("link_url", &format!("https://mp.weixin.qq.com/s/{token}"));
                        o.s("image_url", &format!("https://mmbiz.qpic.cn/mmbiz_jpg/{token}/0"));
                    }),
                )
            }
            Act::Weapp => {
                let p = conv.product;
                let gh = crate::names::alnum(&mut self.rng, 12).to_lowercase();
                (
                    "weapp",
                    one("weapp", &|o| {
                        o.s("title", &format!("{p} 在线办理"))
                            .s("description", "鼎信服务小程序");
                        o.s("username", &format!("gh_{gh}@app"))
                            .s("displayname", "鼎信服务");
                    }),
                )
            }
            Act::Card | Act::PersonalCard => {
                if act == Act::PersonalCard {
                    let id = crate::names::wecom_id(&mut self.rng, "wm", "Pers0n");
                    self.truth.item(Some(msgid), "card", |o| {
                        o.s("from", from_side).s("userid", &id);
                    })?;
                    (
                        "card",
                        one("card", &|o| {
                            o.s("corpname", "微信联系人").s("userid", &id);
                        }),
                    )
                } else {
                    let n = self.org.employees.len();
                    let colleague = self.org.employees[self.rng.random_range(0..n)].userid.clone();
                    (
                        "card",
                        one("card", &|o| {
                            o.s("corpname", CORP_NAME).s("userid", &colleague);
                        }),
                    )
                }
            }
            Act::Location => {
                let (addr, title, lng, lat) = *crate::names::PLACES
                    .choose(&mut self.rng)
                    .unwrap_or(&crate::names::PLACES[0]);
                (
                    "location",
                    one("location", &|o| {
                        o.f("longitude", lng)
                            .f("latitude", lat)
                            .s("address", addr)
                            .s("title", title)
                            .n("zoom", 15);
                    }),
                )
            }
            Act::ChatRecord => {
                let mut items = Vec::new();
                for i in 0..self.rng.random_range(2..6) {
                    let img = i == 2 && self.rng.random_bool(0.5);
                    let content = if img {
                        let m = self.pool.take(&mut self.rng, Cat::Image)?;
                        let (md5, size, id) = (m.md5sum.clone(), m.size, m.sdkfileid.clone());
                        object_string(|o| {
                            o.s("md5sum", &md5).u("filesize", size).s("sdkfileid", &id);
                        })
                    } else {
                        self.text.clear();
                        let bank = if i % 2 == 0 {
                            conv.industry.bank().c_ask
                        } else {
                            conv.industry.bank().e_answer
                        };
                        let slots = Slots {
                            name: "客户",
                            me: "我",
                            product: conv.product,
                        };
                        text::say(&mut self.rng, bank, &slots, &mut self.text);
                        object_string(|o| {
                            o.s("content", &self.text);
                        })
                    };
                    items.push((
                        if img { "ChatRecordImage" } else { "ChatRecordText" },
                        secs - 3600 + i * 40,
                        content,
                    ));
                }
                (
                    "chatrecord",
                    one("chatrecord", &|o| {
                        o.s("title", "群聊的聊天记录");
                        o.arr("item", &items, |o, it| {
                            o.s("type", it.0)
                                .n("msgtime", it.1)
                                .s("content", &it.2)
                                .b("from_chatroom", false);
                        });
                    }),
                )
            }
            Act::Mixed => {
                self.text.clear();
                let slots = Slots {
                    name: "",
                    me: "",
                    product: conv.product,
                };
                text::say(&mut self.rng, text::C_ACK, &slots, &mut self.text);
                self.text
                    .push_str(text::EMOJI.choose(&mut self.rng).copied().unwrap_or(""));
                let t1 = object_string(|o| {
                    o.s("content", &self.text);
                });
                let m = self.pool.take(&mut self.rng, Cat::Image)?;
                let t2 = object_string(|o| {
                    o.s("md5sum", &m.md5sum)
                        .u("filesize", m.size)
                        .s("sdkfileid", &m.sdkfileid);
                });
                let items = [("text", t1), ("image", t2)];
                (
                    "mixed",
                    one("mixed", &|o| {
                        o.arr("item", &items, |o, it| {
                            o.s("type", it.0).s("content", &it.1);
                        });
                    }),
                )
            }
            Act::Meeting => {
                let start = secs + self.rng.random_range(1..48) * 1800;
                let id = self.rng.random_range(1_000_000_000u64..u64::MAX / 2);
                let topic =
                    ["周例会", "业绩复盘会", "客户方案讨论", "合规培训", "夕会"][self.rng.random_range(0..5)];
                (
                    "meeting",
                    one("meeting", &|o| {
                        o.s("topic", topic)
                            .n("starttime", start)
                            .n("endtime", start + 3600)
                            .s("address", "");
                        o.s("remarks", "")
                            .n("meetingtype", 101)
                            .u("meetingid", id)
                            .n("status", 1);
                    }),
                )
            }
            Act::Calendar => {
                let start = secs + self.rng.random_range(1..48) * 1800;
                let names: Vec<String> = self.group_names(conv, 3);
                let creator = self.org_name(who);
                (
                    "calendar",
                    one("calendar", &|o| {
                        o.s("title", "客户拜访安排")
                            .s("creatorname", &creator)
                            .strs("attendeename", &names);
                        o.n("starttime", start)
                            .n("endtime", start + 3600)
                            .s("place", "3楼会议室")
                            .s("remarks", "");
                    }),
                )
            }
            Act::Doc => {
                let creator = self.id_of(who).to_string();
                let token = crate::names::alnum(&mut self.rng, 16);
                let title = format!("{}客户跟进表", conv.product);
                (
                    "docmsg",
                    one("doc", &|o| {
                        o.s("title", &title).s("doc_creator", &creator);
                        o.s("link_url", &format!("https://doc.weixin.qq.com/sheet/e3_{token}"));
                    }),
                )
            }
            Act::Todo => {
                let p = conv.product;
                (
                    "todo",
                    one("todo", &|o| {
                        o.s("title", "待办")
                            .s("content", &format!("周五前回访{p}意向客户"));
                    }),
                )
            }
            Act::VoteNested | Act::VoteTop => {
                let voteid = secs.to_string();
                let title = "团建时间投票";
                let items = ["周五晚上", "周六白天", "周日白天"];
                let mut b = Vec::new();
                let mut o = Obj::new(&mut b);
                o.s("votetitle", title)
                    .strs("voteitem", &items)
                    .n("votetype", 101)
                    .s("voteid", &voteid);
                o.close();
                if act == Act::VoteNested {
                    ("vote", vec![("vote", b)])
                } else {
                    let s = |v: &str| {
                        let mut x = Vec::new();
                        crate::json::push_str(&mut x, v);
                        x
                    };
                    let mut arr = vec![b'['];
                    for (i, it) in items.iter().enumerate() {
                        if i > 0 {
                            arr.push(b',');
                        }
                        crate::json::push_str(&mut arr, it);
                    }
                    arr.push(b']');
                    (
                        "vote",
                        vec![
                            ("votetitle", s(title)),
                            ("voteitem", arr),
                            ("votetype", b"101".to_vec()),
                            ("voteid", s(&voteid)),
                        ],
                    )
                }
            }
            Act::Collect => {
                let room = match conv.kind {
                    Kind::Group { g } => self.org.groups[g].name.clone(),
                    _ => String::new(),
                };
                let creator = self.id_of(who).to_string();
                let created = clock::local_datetime(t);
                (
                    "collect",
                    one("collect", &|o| {
                        o.s("room_name", &room)
                            .s("creator", &creator)
                            .s("create_time", &created)
                            .s("title", "客户回访登记");
                        let details = [
                            (1, "客户姓名", "Text"),
                            (2, "回访次数", "Number"),
                            (3, "回访日期", "Date"),
                            (4, "回访时间", "Time"),
                        ];
                        o.arr("details", &details, |o, d| {
                            o.n("id", d.0).s("ques", d.1).s("type", d.2);
                        });
                    }),
                )
            }
            Act::Markdown => {
                let p = conv.product;
                (
                    "markdown",
                    one("info", &|o| {
                        o.s(
                            "content",
                            &format!("**业绩播报**\n> {p}本周新增客户请前往系统查看，谢谢。"),
                        );
                    }),
                )
            }
            Act::News => {
                let p = conv.product;
                let token = crate::names::alnum(&mut self.rng, 10);
                (
                    "news",
                    one("info", &|o| {
                        o.arr("item", &[()], |o, _| {
                            o.s("title", &format!("{p}最新解读"))
                                .s("description", "鼎信研究院出品");
                            o.s("url", &format!("https://mp.weixin.qq.com/s/{token}"));
                            o.s("picurl", &format!("https://mmbiz.qpic.cn/mmbiz_jpg/{token}/0"));
                        });
                    }),
                )
            }
            Act::Sphfeed => {
                let p = conv.product;
                let ft = [2, 4, 9][self.rng.random_range(0..3)];
                (
                    "sphfeed",
                    one("sphfeed", &|o| {
                        o.n("feed_type", ft)
                            .s("sph_name", "鼎信财经频道")
                            .s("feed_desc", &format!("三分钟看懂{p}\n\n#理财#知识"));
                    }),
                )
            }
            Act::Voiptext => {
                let d = self.rng.random_range(5..900);
                let it = self.rng.random_range(1..3);
                (
                    "voiptext",
                    one("info", &|o| {
                        o.n("callduration", d).n("invitetype", it);
                    }),
                )
            }
            Act::Qydisk => {
                let p = conv.product;
                (
                    "qydiskfile",
                    one("info", &|o| {
                        o.s("filename", &format!("{p}资料汇总.pdf"));
                    }),
                )
            }
            Act::Redpacket | Act::ExtRedpacket => {
                let ty = self.rng.random_range(1..3);
                let cnt = if matches!(conv.kind, Kind::Group { .. }) {
                    self.rng.random_range(2..20)
                } else {
                    1
                };
                let amount = self.rng.random_range(1..100) * 100 * cnt;
                let msgtype = if act == Act::Redpacket {
                    "redpacket"
                } else {
                    "external_redpacket"
                };
                self.truth.item(Some(msgid), "redpacket", |o| {
                    o.s("from", from_side)
                        .s("msgtype", msgtype)
                        .n("totalamount", amount);
                })?;
                let wish =
                    ["恭喜发财，大吉大利", "感谢支持", "节日快乐", "一点心意"][self.rng.random_range(0..4)];
                (
                    msgtype,
                    one("redpacket", &|o| {
                        o.n("type", ty)
                            .s("wish", wish)
                            .n("totalcnt", cnt)
                            .n("totalamount", amount);
                    }),
                )
            }
            Act::Agree | Act::Disagree => {
                let uid = self.id_of(who).to_string();
                if act == Act::Agree {
                    (
                        "agree",
                        one("agree", &|o| {
                            o.s("userid", &uid).n("agree_time", t);
                        }),
                    )
                } else {
                    (
                        "disagree",
                        one("disagree", &|o| {
                            o.s("userid", &uid).n("disagree_time", t);
                        }),
                    )
                }
            }
            Act::Revoke => {
                let (pre, pre_kind) = match &conv.last {
                    Some((_, m, k)) => (m.clone(), *k),
                    None => (String::new(), None),
                };
                self.truth.item(Some(msgid), "revoke", |o| {
                    o.s("from", from_side).s("pre_msgid", &pre);
                    match pre_kind {
                        Some(k) => o.s("pre_kind", k),
                        None => o.raw("pre_kind", b"null"),
                    };
                })?;
                (
                    "revoke",
                    one("revoke", &|o| {
                        o.s("pre_msgid", &pre);
                    }),
                )
            }
            Act::Switch => unreachable_switch(),
        })
    }

    fn org_name(&self, w: Who) -> String {
        match w {
            Who::E(e) => self.org.employees[e].name.clone(),
            Who::C(c) => self.org.customers[c].name.clone(),
        }
    }

    fn group_names(&mut self, conv: &Conv, n: usize) -> Vec<String> {
        match conv.kind {
            Kind::Group { g } => {
                let emps = &self.org.groups[g].employees;
                emps.iter()
                    .take(n)
                    .map(|&e| self.org.employees[e].name.clone())
                    .collect()
            }
            Kind::Pair { a, b } => vec![
                self.org.employees[a].name.clone(),
                self.org.employees[b].name.clone(),
            ],
            Kind::Single { e, .. } => vec![self.org.employees[e].name.clone()],
        }
    }

    /// Writes a text message's content into `self.text`, recording planted items.
    fn compose_text(
        &mut self,
        conv: &Conv,
        who: Who,
        act: Act,
        msgid: &str,
        from_side: &str,
    ) -> Result<(), DemoError> {
        let (name, me) = match conv.kind {
            Kind::Single { e, c } => (
                self.org.customers[c].address.clone(),
                self.org.employees[e].title.clone(),
            ),
            Kind::Pair { a, b } => {
                let other = if who == Who::E(a) { b } else { a };
                (
                    self.org.employees[other].title.clone(),
                    self.org.employees[a].title.clone(),
                )
            }
            Kind::Group { g } => (
                "各位".to_string(),
                self.org.employees[self.org.groups[g].owner].title.clone(),
            ),
        };
        let slots = Slots {
            name: &name,
            me: &me,
            product: conv.product,
        };
        let bank = conv.industry.bank();
        let r = &mut self.rng;
        let out = &mut self.text;
        match act {
            Act::Say(sel) => {
                let b: &[&str] = match sel {
                    Sel::COpen => bank.c_open,
                    Sel::EOpen => bank.e_open,
                    Sel::CAsk => bank.c_ask,
                    Sel::EAnswer => bank.e_answer,
                    Sel::CComplain => bank.c_complain,
                    Sel::EResolve => bank.e_resolve,
                    Sel::ERemind => bank.e_remind,
                    Sel::CAck => text::C_ACK,
                    Sel::CThanks => text::C_THANKS,
                    Sel::EGreet => text::E_GREET,
                    Sel::EWait => text::E_WAIT,
                    Sel::EClose => text::E_CLOSE,
                    Sel::CAngry => text::C_ANGRY,
                    Sel::IPost => text::INTERNAL_POST,
                    Sel::IReply => text::INTERNAL_REPLY,
                    Sel::GPost => text::GROUP_POST,
                    Sel::GCust => text::GROUP_CUSTOMER,
                };
                text::say(r, b, &slots, out);
                if r.random_bool(0.08) {
                    out.push_str(text::EMOJI.choose(r).copied().unwrap_or(""));
                }
            }
            Act::Word(rule) => {
                if r.random_bool(0.3) && matches!(who, Who::E(_)) {
                    text::fill(r, "{name}，", &slots, out);
                }
                let w = risk::plant_word(r, rule);
                let (start, end) = risk::in_context(r, RULES[rule].contexts, &w.written, out);
                let def = &RULES[rule];
                self.truth.item(Some(msgid), "word", |o| {
                    o.s("from", from_side)
                        .s("rule", def.name)
                        .s("severity", def.severity)
                        .s("word", w.word);
                    o.s("evasion", w.evasion.as_str()).s("written", &w.written);
                    o.u("start", start as u64).u("end", end as u64);
                })?;
            }
            Act::Phone => {
                let (p, kind) = risk::phone_written(r);
                let (start, end) = risk::in_context(r, risk::PHONE_CONTEXTS, &p, out);
                self.truth.item(Some(msgid), "phone", |o| {
                    o.s("from", from_side).s("number", &p).s("phone_kind", kind);
                    o.u("start", start as u64).u("end", end as u64);
                })?;
            }
            Act::Wechat => {
                let id = risk::wechat_id(r);
                let trig = risk::WECHAT_TRIGGERS.choose(r).copied().unwrap_or("加我微信 ");
                let written = format!("{trig}{id}");
                let (start, end) = risk::in_context(r, risk::WECHAT_CONTEXTS, &written, out);
                self.truth.item(Some(msgid), "wechat", |o| {
                    o.s("from", from_side).s("word", &id).s("written", &written);
                    o.u("start", start as u64).u("end", end as u64);
                })?;
            }
            Act::BankCard => {
                let (num, bankname) = risk::bank_card(r, true);
                let written = risk::group_digits(r, &num);
                let (start, end) = risk::in_context(r, risk::CARD_CONTEXTS, &written, out);
                self.truth.item(Some(msgid), "bankcard", |o| {
                    o.s("from", from_side)
                        .s("number", &num)
                        .s("bank", bankname)
                        .s("written", &written);
                    o.u("start", start as u64).u("end", end as u64);
                })?;
            }
            Act::IdCard => {
                let id = loop {
                    let id = risk::id_card(r, true);
                    if !risk::luhn_valid(&id) {
                        break id;
                    }
                };
                let (start, end) = risk::in_context(r, risk::ID_CONTEXTS, &id, out);
                self.truth.item(Some(msgid), "idcard", |o| {
                    o.s("from", from_side).s("number", &id);
                    o.u("start", start as u64).u("end", end as u64);
                })?;
            }
            Act::NegExclusion => {
                let (word, excl, ctx): (&str, &str, &[&str]) = match r.random_range(0..5) {
                    0 => (
                        "保本",
                        "不保本",
                        &["提醒一下，这款产品{W}，净值会有波动", "{W}，请您知悉风险后再决定"],
                    ),
                    1 => (
                        "保本",
                        "非保本",
                        &[
                            "这款属于{W}浮动收益型产品",
                            "这是{W}理财，业绩比较基准不代表实际收益",
                        ],
                    ),
                    2 => (
                        "保本",
                        "不承诺保本",
                        &["我们{W}，请根据风险承受能力选择", "按监管要求，理财产品{W}"],
                    ),
                    3 => (
                        "保证收益",
                        "不保证收益",
                        &["过往业绩{W}，请理性投资", "我们{W}，这点要跟您说清楚"],
                    ),
                    _ => (
                        "返现",
                        "不返现",
                        &["亲，本店好评{W}，感谢理解", "活动期间{W}，以页面价格为准"],
                    ),
                };
                let (start, end) = risk::in_context(r, ctx, excl, out);
                self.truth.negative(msgid, "word", |o| {
                    o.s("word", word)
                        .s("exclusion", excl)
                        .u("start", start as u64)
                        .u("end", end as u64);
                    o.s("reason", "word inside an exclusion phrase");
                })?;
            }
            Act::NegOrder => {
                let num = risk::order_with_mobile(r);
                let (start, end) = risk::in_context(
                    r,
                    &["您的订单号是{W}，请核对", "订单{W}已经登记了", "流水号{W}"],
                    &num,
                    out,
                );
                self.truth.negative(msgid, "phone", |o| {
                    o.s("number", &num).u("start", start as u64).u("end", end as u64);
                    o.s("reason", "mobile-like 11 digits inside a longer number");
                })?;
            }
            Act::NegCard => {
                let (num, _) = risk::bank_card(r, false);
                let (start, end) =
                    risk::in_context(r, &["会员卡号{W}", "合同编号{W}，请留存", "保单号{W}"], &num, out);
                self.truth.negative(msgid, "bankcard", |o| {
                    o.s("number", &num).u("start", start as u64).u("end", end as u64);
                    o.s("reason", "card-like number failing the Luhn check");
                })?;
            }
            Act::NegId => {
                let id = loop {
                    let id = risk::id_card(r, false);
                    if !risk::luhn_valid(&id) {
                        break id;
                    }
                };
                let (start, end) = risk::in_context(r, &["投保单号{W}", "受理编号{W}，请妥善保存"], &id, out);
                self.truth.negative(msgid, "idcard", |o| {
                    o.s("number", &id).u("start", start as u64).u("end", end as u64);
                    o.s("reason", "18 digits with a wrong check character");
                })?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn unreachable_switch() -> (&'static str, Fields) {
    // Switch records are written by `emit` before content is built.
    ("switch", Vec::new())
}
