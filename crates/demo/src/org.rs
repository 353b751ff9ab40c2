//! The demo corp: department tree, employees, customers and groups, and their API JSON files.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use crate::json::Obj;
use crate::names::{self, COMPANIES};
use crate::text::Industry;
use crate::{DemoError, create_file};

/// The corp's short name (card messages, groups).
pub const CORP_NAME: &str = "鼎信控股";

/// A department.
pub struct Dept {
    /// Department id.
    pub id: u32,
    /// Name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Parent id (0 for the root).
    pub parent: u32,
    /// Industry of its front-line staff; `None` for back-office departments.
    pub industry: Option<Industry>,
}

/// (id, name, English name, parent, industry, is a leaf team).
type DeptRow = (u32, &'static str, &'static str, u32, Option<Industry>, bool);

const DEPTS: &[DeptRow] = &[
    (1, "鼎信控股集团", "Dingxin Group", 0, None, false),
    (2, "鼎信保险", "Insurance", 1, Some(Industry::Insurance), false),
    (
        3,
        "财富管理部",
        "Wealth Management",
        1,
        Some(Industry::Wealth),
        false,
    ),
    (
        4,
        "证券经纪部",
        "Securities Brokerage",
        1,
        Some(Industry::Securities),
        false,
    ),
    (5, "鼎信教育", "Education", 1, Some(Industry::Education), false),
    (
        6,
        "鼎信优选商城",
        "E-commerce",
        1,
        Some(Industry::Ecommerce),
        false,
    ),
    (
        7,
        "个险销售一部",
        "Retail Sales 1",
        2,
        Some(Industry::Insurance),
        true,
    ),
    (
        8,
        "个险销售二部",
        "Retail Sales 2",
        2,
        Some(Industry::Insurance),
        true,
    ),
    (
        9,
        "理赔服务部",
        "Claims Service",
        2,
        Some(Industry::Insurance),
        true,
    ),
    (
        10,
        "上海分行财富中心",
        "Shanghai Wealth Centre",
        3,
        Some(Industry::Wealth),
        true,
    ),
    (
        11,
        "北京分行财富中心",
        "Beijing Wealth Centre",
        3,
        Some(Industry::Wealth),
        true,
    ),
    (12, "营业部一部", "Branch 1", 4, Some(Industry::Securities), true),
    (
        13,
        "投顾中心",
        "Advisory Centre",
        4,
        Some(Industry::Securities),
        true,
    ),
    (
        14,
        "课程顾问组",
        "Course Advisers",
        5,
        Some(Industry::Education),
        true,
    ),
    (
        15,
        "学管服务组",
        "Student Services",
        5,
        Some(Industry::Education),
        true,
    ),
    (16, "售前客服组", "Pre-sales", 6, Some(Industry::Ecommerce), true),
    (
        17,
        "售后客服组",
        "After-sales",
        6,
        Some(Industry::Ecommerce),
        true,
    ),
    (18, "合规部", "Compliance", 1, None, true),
    (19, "人力资源部", "Human Resources", 1, None, true),
];

/// An employee.
pub struct Employee {
    /// userid.
    pub userid: String,
    /// Full name.
    pub name: String,
    /// Surname.
    pub surname: &'static str,
    /// 1 male, 2 female.
    pub gender: u8,
    /// Department id.
    pub dept: u32,
    /// Industry (None for back office, who never talk to customers).
    pub industry: Option<Industry>,
    /// Job title.
    pub position: &'static str,
    /// Work mobile (address book only).
    pub mobile: String,
    /// When they left, UTC ms.
    pub departed_at: Option<i64>,
    /// Who took over their customers.
    pub successor: Option<usize>,
    /// Whether they lead their department.
    pub leader: bool,
    /// How customers address them (王经理, 小李, 陈老师).
    pub title: String,
}

/// An external contact.
pub struct Customer {
    /// external_userid (wm… WeChat, wo… WeCom).
    pub id: String,
    /// Display name.
    pub name: String,
    /// How employees address them.
    pub address: String,
    /// 1 WeChat, 2 WeCom.
    pub kind: u8,
    /// 1 male, 2 female.
    pub gender: u8,
    /// Company for WeCom customers.
    pub corp: Option<(&'static str, &'static str)>,
    /// unionid for WeChat customers.
    pub unionid: Option<String>,
    /// The employee who added them.
    pub owner: usize,
    /// A second follower, if any.
    pub second: Option<usize>,
    /// When the owner added them (seconds).
    pub created: i64,
    /// add_way.
    pub add_way: u8,
    /// Tag indexes into [`Org::tags`].
    pub tags: Vec<usize>,
    /// Industry (the owner's).
    pub industry: Industry,
    /// Whether they agreed to archiving (an agree message has been or need not be sent).
    pub agreed: bool,
    /// Relationship ended by a deletion.
    pub deleted: bool,
    /// Handover to the successor failed.
    pub transfer_failed: bool,
}

/// A group chat.
pub struct Group {
    /// roomid / chat_id.
    pub roomid: String,
    /// Name.
    pub name: String,
    /// Internal (msgaudit form) or customer group (externalcontact form).
    pub internal: bool,
    /// Owner employee.
    pub owner: usize,
    /// Employee members (owner first).
    pub employees: Vec<usize>,
    /// Customer members.
    pub customers: Vec<usize>,
    /// Creation, seconds.
    pub created: i64,
    /// Notice.
    pub notice: &'static str,
    /// When it was dissolved, UTC ms.
    pub dismissed_at: Option<i64>,
    /// Industry.
    pub industry: Option<Industry>,
}

/// A customer tag: group name, tag name, tag id.
pub struct Tag {
    /// Tag group.
    pub group: &'static str,
    /// Tag name.
    pub name: &'static str,
    /// Tag id (et…).
    pub id: String,
}

/// The whole corp.
pub struct Org {
    /// corpid (ww…).
    pub corpid: String,
    /// Departments.
    pub depts: Vec<Dept>,
    /// Employees.
    pub employees: Vec<Employee>,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Front-line employees by industry.
    pub frontline: Vec<Vec<usize>>,
}

const TAGS: &[(&str, &str)] = &[
    ("客户等级", "A类客户"),
    ("客户等级", "B类客户"),
    ("客户等级", "C类客户"),
    ("意向", "高意向"),
    ("意向", "一般"),
    ("意向", "暂无需求"),
    ("来源", "线下活动"),
    ("来源", "转介绍"),
    ("来源", "线上广告"),
    ("来源", "老客户"),
];

fn position(ind: Option<Industry>, leader: bool) -> &'static str {
    if leader {
        return "团队主管";
    }
    match ind {
        Some(Industry::Insurance) => "保险顾问",
        Some(Industry::Wealth) => "理财经理",
        Some(Industry::Securities) => "客户经理",
        Some(Industry::Education) => "课程顾问",
        Some(Industry::Ecommerce) => "客服专员",
        None => "专员",
    }
}

fn industry_index(i: Industry) -> usize {
    Industry::ALL.iter().position(|&x| x == i).unwrap_or(0)
}

impl Org {
    /// Generates the corp. `span_ms` is the expected archive length, for departures and dissolutions.
    pub fn generate(rng: &mut ChaCha8Rng, employees: usize, messages: u64, span_ms: i64) -> Org {
        let start = crate::clock::ARCHIVE_START_MS;
        let corpid = format!("ww{:016x}", rng.random::<u64>());
        let corp_part = names::alnum(rng, 6);
        let depts: Vec<Dept> = DEPTS
            .iter()
            .map(|&(id, name, name_en, parent, industry, _)| Dept {
                id,
                name,
                name_en,
                parent,
                industry,
            })
            .collect();
        let leaves: Vec<&DeptRow> = DEPTS.iter().filter(|d| d.5 && d.4.is_some()).collect();
        let backoffice: Vec<u32> = DEPTS
            .iter()
            .filter(|d| d.5 && d.4.is_none())
            .map(|d| d.0)
            .collect();

        let mut used = BTreeSet::new();
        let mut emps = Vec::with_capacity(employees);
        for i in 0..employees.max(2) {
            let (dept, industry) = if employees >= 12 && i % 12 == 11 {
                (backoffice[(i / 12) % backoffice.len()], None)
            } else {
                let d = leaves[i % leaves.len()];
                (d.0, d.4)
            };
            let p = names::person(rng);
            let mut userid = if rng.random_bool(0.7) {
                p.pinyin.clone()
            } else {
                p.pinyin.to_lowercase()
            };
            if !used.insert(userid.clone()) {
                let mut k = 1;
                while !used.insert(format!("{userid}{k:02}")) {
                    k += 1;
                }
                userid = format!("{userid}{k:02}");
            }
            let leader = !emps.iter().any(|e: &Employee| e.dept == dept);
            let title = match (industry, rng.random_range(0..3)) {
                (Some(Industry::Education), _) => format!("{}老师", p.surname),
                (Some(Industry::Ecommerce), _) => format!("{}客服", p.surname),
                (_, 0) => format!("小{}", p.surname),
                _ => format!("{}经理", p.surname),
            };
            emps.push(Employee {
                userid,
                name: p.name,
                surname: p.surname,
                gender: p.gender,
                dept,
                industry,
                position: position(industry, leader),
                mobile: crate::risk::mobile(rng),
                departed_at: None,
                successor: None,
                leader,
                title,
            });
        }
        let mut frontline = vec![Vec::new(); 5];
        for (i, e) in emps.iter().enumerate() {
            if let Some(ind) = e.industry {
                frontline[industry_index(ind)].push(i);
            }
        }
        // Departures: about 8% of front-line staff, customers handed to a colleague of the same industry.
        let n_front: usize = frontline.iter().map(Vec::len).sum();
        let departures = (n_front * 8).div_ceil(100).min(n_front / 3);
        for _ in 0..departures {
            let ind = rng.random_range(0..5);
            let staying: Vec<usize> = frontline[ind]
                .iter()
                .copied()
                .filter(|&i| emps[i].departed_at.is_none())
                .collect();
            if staying.len() < 2 {
                continue;
            }
            let leaving = staying[rng.random_range(0..staying.len())];
            let successor = *staying.iter().find(|&&i| i != leaving).unwrap_or(&staying[0]);
            let at = start + (span_ms as f64 * rng.random_range(0.25..0.75)) as i64;
            emps[leaving].departed_at = Some(at);
            emps[leaving].successor = Some(successor);
        }

        let tags = TAGS
            .iter()
            .map(|&(group, name)| Tag {
                group,
                name,
                id: names::wecom_id(rng, "et", &corp_part),
            })
            .collect();

        let n_customers = (employees * 30 + (messages / 400) as usize)
            .min(employees * 100)
            .max(20);
        let all_front: Vec<usize> = frontline.iter().flatten().copied().collect();
        let mut customers = Vec::with_capacity(n_customers);
        for _ in 0..n_customers {
            let owner = *all_front.choose(rng).unwrap_or(&0);
            let industry = emps[owner].industry.unwrap_or(Industry::Wealth);
            let p = names::person(rng);
            let kind = if rng.random_bool(0.8) { 1 } else { 2 };
            let (id, name, corp, unionid) = if kind == 1 {
                let id = names::wecom_id(rng, "wm", &corp_part);
                let union = format!("o{}", names::alnum(rng, 27));
                (id, names::nickname(rng, &p), None, Some(union))
            } else {
                let part = names::alnum(rng, 6);
                let id = names::wecom_id(rng, "wo", &part);
                (
                    id,
                    p.name.clone(),
                    Some(*COMPANIES.choose(rng).unwrap_or(&COMPANIES[0])),
                    None,
                )
            };
            let same: Vec<usize> = frontline[industry_index(industry)]
                .iter()
                .copied()
                .filter(|&i| i != owner)
                .collect();
            let second = if rng.random_bool(0.08) {
                same.choose(rng).copied()
            } else {
                None
            };
            let mut tag_ix = vec![rng.random_range(0..3)];
            if rng.random_bool(0.6) {
                tag_ix.push(rng.random_range(3..6));
            }
            if rng.random_bool(0.4) {
                tag_ix.push(rng.random_range(6..10));
            }
            customers.push(Customer {
                address: if industry == Industry::Ecommerce && rng.random_bool(0.6) {
                    "亲".to_string()
                } else {
                    names::address_form(rng, &p)
                },
                id,
                name,
                kind,
                gender: p.gender,
                corp,
                unionid,
                owner,
                second,
                created: start / 1000 - rng.random_range(86_400..86_400 * 700),
                add_way: *[1u8, 1, 2, 3, 3, 4, 5, 6, 16].choose(rng).unwrap_or(&1),
                tags: tag_ix,
                industry,
                agreed: rng.random_bool(0.7),
                deleted: false,
                transfer_failed: false,
            });
        }
        for c in customers.iter_mut() {
            if emps[c.owner].departed_at.is_some() && rng.random_bool(0.1) {
                c.transfer_failed = true;
            }
        }

        let mut groups = Vec::new();
        // One internal group per department with at least two members, plus a few project groups.
        for d in &depts {
            let members: Vec<usize> = (0..emps.len()).filter(|&i| emps[i].dept == d.id).collect();
            if members.len() >= 2 {
                groups.push(internal_group(
                    rng,
                    &corp_part,
                    format!("{}工作群", d.name),
                    members,
                    d.industry,
                ));
            }
        }
        for k in 0..(employees / 8 + 1) {
            let n = rng.random_range(3..8).min(emps.len());
            let mut members: Vec<usize> = (0..emps.len())
                .collect::<Vec<_>>()
                .choose_multiple(rng, n)
                .copied()
                .collect();
            members.sort_unstable();
            let name = format!(
                "{}{}",
                ["项目协调群", "周报群", "合规培训群", "客户回访小组", "季度冲刺群"][k % 5],
                k + 1
            );
            groups.push(internal_group(rng, &corp_part, name, members, None));
        }
        // Customer groups.
        let n_cgroups = employees / 2 + 2;
        for k in 0..n_cgroups {
            let owner = *all_front.choose(rng).unwrap_or(&0);
            let ind = emps[owner].industry.unwrap_or(Industry::Wealth);
            let mut employees_in = vec![owner];
            if let Some(&o) = frontline[industry_index(ind)].iter().find(|&&i| i != owner)
                && rng.random_bool(0.5)
            {
                employees_in.push(o);
            }
            let pool: Vec<usize> = (0..customers.len())
                .filter(|&c| customers[c].industry == ind)
                .collect();
            let n = rng.random_range(3..30).min(pool.len());
            let mut cs: Vec<usize> = pool.choose_multiple(rng, n).copied().collect();
            cs.sort_unstable();
            let bank = ind.bank();
            let product = bank.products[k % bank.products.len()];
            let name = match rng.random_range(0..3) {
                0 => format!("{product}客户交流群"),
                1 => format!("鼎信VIP服务群{}", k + 1),
                _ => format!("{}的客户群", emps[owner].name),
            };
            let dismissed_at = if rng.random_bool(0.12) {
                Some(start + (span_ms as f64 * rng.random_range(0.2..0.9)) as i64)
            } else {
                None
            };
            groups.push(Group {
                roomid: names::wecom_id(rng, "wr", &corp_part),
                name,
                internal: false,
                owner,
                employees: employees_in,
                customers: cs,
                created: start / 1000 - rng.random_range(86_400..86_400 * 300),
                notice: [
                    "文明沟通，拒绝广告",
                    "",
                    "本群仅用于产品咨询与服务通知",
                    "投资有风险，入市需谨慎",
                ][rng.random_range(0..4)],
                dismissed_at,
                industry: Some(ind),
            });
        }
        Org {
            corpid,
            depts,
            employees: emps,
            customers,
            groups,
            tags,
            frontline,
        }
    }

    /// The employee responsible for customer `c` at time `t`, if any.
    pub fn owner_at(&self, c: usize, t: i64) -> Option<usize> {
        let cust = &self.customers[c];
        if cust.deleted {
            return None;
        }
        let o = cust.owner;
        match self.employees[o].departed_at {
            Some(d) if t + 3 * 86_400_000 >= d => {
                if cust.transfer_failed || t < d {
                    None
                } else {
                    self.employees[o].successor
                }
            }
            _ => Some(o),
        }
    }

    /// Whether employee `e` is still with the corp (and not about to leave) at `t`.
    pub fn active_at(&self, e: usize, t: i64) -> bool {
        self.employees[e]
            .departed_at
            .is_none_or(|d| t + 3 * 86_400_000 < d)
    }

    /// Writes users.json, customers.json and groups.json.
    pub fn write_files(&self, dir: &Path) -> Result<u64, DemoError> {
        let mut bytes = 0;
        let mut buf = Vec::new();
        {
            let mut o = Obj::new(&mut buf);
            o.arr("department", &self.depts, |o, d| {
                o.u("id", u64::from(d.id))
                    .s("name", d.name)
                    .s("name_en", d.name_en)
                    .u("parentid", u64::from(d.parent));
                o.u("order", 100_000_000 - u64::from(d.id) * 1000);
                let leaders: Vec<&str> = self
                    .employees
                    .iter()
                    .filter(|e| e.dept == d.id && e.leader)
                    .map(|e| e.userid.as_str())
                    .collect();
                o.strs("department_leader", &leaders);
            });
            o.arr("userlist", &self.employees, |o, e| {
                o.s("userid", &e.userid).s("name", &e.name);
                o.raw("department", format!("[{}]", e.dept).as_bytes());
                o.s("position", e.position)
                    .s("mobile", &e.mobile)
                    .s("gender", &e.gender.to_string());
                o.s("email", &format!("{}@dingxin-group.com", e.userid.to_lowercase()));
                o.n("status", if e.departed_at.is_some() { 5 } else { 1 });
                o.u("main_department", u64::from(e.dept));
                o.raw("is_leader_in_dept", if e.leader { b"[1]" } else { b"[0]" });
                if let Some(d) = e.departed_at {
                    // Not a WeCom field: when the demo employee left (seconds), for the reviewer's benefit.
                    o.n("dossier_departed_at", d / 1000);
                }
            });
            o.close();
        }
        buf.push(b'\n');
        bytes += write_all(dir, "users.json", &buf)?;

        buf.clear();
        buf.extend_from_slice(b"[\n");
        for (i, c) in self.customers.iter().enumerate() {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            let mut o = Obj::new(&mut buf);
            o.n("errcode", 0).s("errmsg", "ok");
            o.obj("external_contact", |o| {
                o.s("external_userid", &c.id).s("name", &c.name);
                o.s(
                    "avatar",
                    &format!("https://wework.qpic.cn/wwhead/{}/0", &c.id[2..14]),
                );
                o.n("type", i64::from(c.kind)).n("gender", i64::from(c.gender));
                if let Some((short, full)) = c.corp {
                    o.s("corp_name", short)
                        .s("corp_full_name", full)
                        .s("position", "经理");
                }
                if let Some(u) = &c.unionid {
                    o.s("unionid", u);
                }
            });
            let mut follow: Vec<(usize, u8, i64)> = Vec::new();
            if !c.deleted {
                let o = c.owner;
                match (self.employees[o].departed_at, self.employees[o].successor) {
                    (Some(d), Some(s)) if !c.transfer_failed => follow.push((s, 202, d / 1000)),
                    _ => follow.push((o, c.add_way, c.created)),
                }
                if let Some(s) = c.second
                    && self.employees[s].departed_at.is_none()
                    && !follow.iter().any(|f| f.0 == s)
                {
                    follow.push((s, 201, c.created + 3600));
                }
            }
            o.arr("follow_user", &follow, |o, &(e, way, at)| {
                let emp = &self.employees[e];
                o.s("userid", &emp.userid)
                    .s("remark", &c.address)
                    .s("description", "");
                o.n("createtime", at);
                o.arr("tags", &c.tags, |o, &t| {
                    let tag = &self.tags[t];
                    o.s("group_name", tag.group)
                        .s("tag_name", tag.name)
                        .s("tag_id", &tag.id)
                        .n("type", 1);
                });
                o.s("oper_userid", if way == 202 { &emp.userid } else { &c.id });
                o.n("add_way", i64::from(way));
            });
            o.close();
        }
        buf.extend_from_slice(b"\n]\n");
        bytes += write_all(dir, "customers.json", &buf)?;

        buf.clear();
        buf.extend_from_slice(b"[\n");
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            let mut o = Obj::new(&mut buf);
            if g.internal {
                o.s("roomid", &g.roomid).s("roomname", &g.name);
                o.s("creator", &self.employees[g.owner].userid)
                    .n("room_create_time", g.created)
                    .s("notice", g.notice);
                o.arr("members", &g.employees, |o, &e| {
                    o.s("memberid", &self.employees[e].userid)
                        .n("jointime", g.created + 60);
                });
                o.n("errcode", 0).s("errmsg", "ok");
            } else {
                o.n("errcode", 0).s("errmsg", "ok");
                o.obj("group_chat", |o| {
                    o.s("chat_id", &g.roomid)
                        .s("name", &g.name)
                        .s("owner", &self.employees[g.owner].userid);
                    o.n("create_time", g.created).s("notice", g.notice);
                    let mut members: Vec<(String, u8, String, Option<String>)> = g
                        .employees
                        .iter()
                        .map(|&e| {
                            (
                                self.employees[e].userid.clone(),
                                1,
                                self.employees[e].name.clone(),
                                None,
                            )
                        })
                        .collect();
                    members.extend(g.customers.iter().map(|&c| {
                        let c = &self.customers[c];
                        (c.id.clone(), 2, c.name.clone(), c.unionid.clone())
                    }));
                    let owner = &self.employees[g.owner].userid;
                    o.arr("member_list", &members, |o, m| {
                        o.s("userid", &m.0).n("type", i64::from(m.1));
                        if let Some(u) = &m.3 {
                            o.s("unionid", u);
                        }
                        o.n("join_time", g.created + 120)
                            .n("join_scene", if m.1 == 1 { 1 } else { 3 });
                        o.obj("invitor", |o| {
                            o.s("userid", owner);
                        });
                        o.s("group_nickname", "").s("name", &m.2);
                    });
                    o.arr("admin_list", &g.employees[1..], |o, &e| {
                        o.s("userid", &self.employees[e].userid);
                    });
                });
                if let Some(d) = g.dismissed_at {
                    // Not a WeCom field: when the demo group was dissolved (seconds).
                    o.n("dossier_dismissed_at", d / 1000);
                }
            }
            o.close();
        }
        buf.extend_from_slice(b"\n]\n");
        bytes += write_all(dir, "groups.json", &buf)?;
        Ok(bytes)
    }
}

fn internal_group(
    rng: &mut ChaCha8Rng,
    corp_part: &str,
    name: String,
    members: Vec<usize>,
    industry: Option<Industry>,
) -> Group {
    Group {
        roomid: names::wecom_id(rng, "wr", corp_part),
        name,
        internal: true,
        owner: members[0],
        employees: members,
        customers: Vec::new(),
        created: crate::clock::ARCHIVE_START_MS / 1000 - rng.random_range(86_400..86_400 * 400),
        notice: "",
        dismissed_at: None,
        industry,
    }
}

fn write_all(dir: &Path, name: &str, bytes: &[u8]) -> Result<u64, DemoError> {
    let path = dir.join(name);
    let mut f = create_file(&path)?;
    f.write_all(bytes).map_err(|e| DemoError::io(&path, e))?;
    f.flush().map_err(|e| DemoError::io(&path, e))?;
    Ok(bytes.len() as u64)
}
