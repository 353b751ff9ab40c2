//! Names: people (with pinyin, for userids), WeChat nicknames, companies, places.

use rand::Rng;
use rand::seq::IndexedRandom;

/// Common surnames with pinyin.
const SURNAMES: &[(&str, &str)] = &[
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
    ("罗", "Luo"),
    ("高", "Gao"),
    ("郑", "Zheng"),
    ("梁", "Liang"),
    ("谢", "Xie"),
    ("宋", "Song"),
    ("唐", "Tang"),
    ("许", "Xu"),
    ("韩", "Han"),
    ("冯", "Feng"),
    ("邓", "Deng"),
    ("曹", "Cao"),
    ("彭", "Peng"),
    ("曾", "Zeng"),
    ("肖", "Xiao"),
    ("田", "Tian"),
    ("董", "Dong"),
    ("袁", "Yuan"),
    ("潘", "Pan"),
    ("于", "Yu"),
    ("蒋", "Jiang"),
    ("蔡", "Cai"),
    ("余", "Yu"),
    ("杜", "Du"),
    ("叶", "Ye"),
    ("程", "Cheng"),
    ("苏", "Su"),
    ("魏", "Wei"),
    ("吕", "Lv"),
    ("丁", "Ding"),
    ("任", "Ren"),
    ("沈", "Shen"),
    ("姚", "Yao"),
    ("卢", "Lu"),
    ("姜", "Jiang"),
    ("崔", "Cui"),
    ("钟", "Zhong"),
    ("谭", "Tan"),
    ("陆", "Lu"),
    ("汪", "Wang"),
    ("范", "Fan"),
    ("金", "Jin"),
    ("石", "Shi"),
    ("廖", "Liao"),
    ("贾", "Jia"),
    ("夏", "Xia"),
    ("韦", "Wei"),
    ("方", "Fang"),
    ("白", "Bai"),
    ("邹", "Zou"),
    ("孟", "Meng"),
    ("熊", "Xiong"),
    ("秦", "Qin"),
    ("邱", "Qiu"),
    ("江", "Jiang"),
    ("尹", "Yin"),
    ("薛", "Xue"),
    ("欧阳", "OuYang"),
    ("上官", "ShangGuan"),
];

/// Given-name characters with pinyin and whether they lean female.
const GIVEN: &[(&str, &str, bool)] = &[
    ("伟", "Wei", false),
    ("芳", "Fang", true),
    ("娜", "Na", true),
    ("敏", "Min", true),
    ("静", "Jing", true),
    ("丽", "Li", true),
    ("强", "Qiang", false),
    ("磊", "Lei", false),
    ("军", "Jun", false),
    ("洋", "Yang", false),
    ("勇", "Yong", false),
    ("艳", "Yan", true),
    ("杰", "Jie", false),
    ("娟", "Juan", true),
    ("涛", "Tao", false),
    ("明", "Ming", false),
    ("超", "Chao", false),
    ("秀", "Xiu", true),
    ("霞", "Xia", true),
    ("平", "Ping", false),
    ("刚", "Gang", false),
    ("桂", "Gui", true),
    ("文", "Wen", false),
    ("华", "Hua", false),
    ("建", "Jian", false),
    ("玲", "Ling", true),
    ("婷", "Ting", true),
    ("欣", "Xin", true),
    ("宇", "Yu", false),
    ("浩", "Hao", false),
    ("晨", "Chen", false),
    ("雪", "Xue", true),
    ("琳", "Lin", true),
    ("慧", "Hui", true),
    ("鹏", "Peng", false),
    ("辉", "Hui", false),
    ("嘉", "Jia", true),
    ("子", "Zi", false),
    ("梓", "Zi", false),
    ("涵", "Han", true),
    ("思", "Si", true),
    ("雨", "Yu", true),
    ("博", "Bo", false),
    ("俊", "Jun", false),
    ("倩", "Qian", true),
    ("萍", "Ping", true),
    ("志", "Zhi", false),
    ("国", "Guo", false),
    ("海", "Hai", false),
    ("佳", "Jia", true),
    ("晓", "Xiao", true),
    ("一", "Yi", false),
    ("诗", "Shi", true),
    ("睿", "Rui", false),
    ("昊", "Hao", false),
    ("颖", "Ying", true),
    ("凯", "Kai", false),
    ("琪", "Qi", true),
    ("帆", "Fan", false),
    ("蕾", "Lei", true),
];

/// WeChat nicknames people really use.
const NICKNAMES: &[&str] = &[
    "阳光明媚",
    "Tony",
    "A-王姐",
    "🌸李姐",
    "平安是福",
    "开心就好",
    "Lily",
    "小太阳",
    "简单生活",
    "岁月静好",
    "追风少年",
    "Jason",
    "Coco",
    "大海",
    "晴天",
    "芒果味的猫",
    "Vivian",
    "老张",
    "A✨陈先生",
    "静待花开",
    "勿忘初心",
    "Grace",
    "金牌销售张",
    "淡定",
    "一路向北",
    "花开富贵",
    "Michael",
    "小鱼儿",
    "星辰大海",
    "知足常乐",
    "木子李",
    "Kevin",
    "阿杰",
    "🍀幸运草",
    "Amy",
    "山水之间",
    "向日葵",
    "Helen",
    "宝妈小雨",
    "老王",
    "Sunny",
    "王大锤",
];

/// Companies customers of type 2 (WeCom users) work at: short name, full name.
pub const COMPANIES: &[(&str, &str)] = &[
    ("华信科技", "上海华信科技有限公司"),
    ("远景物流", "深圳远景物流股份有限公司"),
    ("恒泰地产", "恒泰地产集团有限公司"),
    ("蓝海贸易", "杭州蓝海贸易有限公司"),
    ("瑞丰医药", "瑞丰医药科技股份有限公司"),
    ("星河传媒", "北京星河文化传媒有限公司"),
    ("中川机械", "江苏中川机械制造有限公司"),
    ("启明教育", "成都启明教育咨询有限公司"),
    ("天禾食品", "天禾食品集团有限公司"),
    ("博远咨询", "广州博远管理咨询有限公司"),
    ("锦程旅行", "锦程国际旅行社有限公司"),
    ("嘉德律所", "上海嘉德律师事务所"),
    ("鑫源汽配", "武汉鑫源汽车配件有限公司"),
    ("云帆软件", "南京云帆软件有限公司"),
    ("和顺物业", "和顺物业服务有限公司"),
];

/// Places with coordinates: (city, district address, title, longitude, latitude).
pub const PLACES: &[(&str, &str, f64, f64)] = &[
    (
        "上海市浦东新区世纪大道100号",
        "上海环球金融中心",
        121.5075,
        31.2354,
    ),
    ("北京市朝阳区建国门外大街1号", "国贸大厦", 116.4583, 39.9087),
    ("深圳市福田区福华三路88号", "财富大厦", 114.0579, 22.5366),
    ("杭州市西湖区文三路478号", "华星时代广场", 120.1322, 30.2796),
    ("广州市天河区珠江新城花城大道", "花城汇", 113.3245, 23.1190),
    ("成都市锦江区红星路三段1号", "国际金融中心", 104.0817, 30.6575),
    ("南京市鼓楼区中山北路1号", "鼓楼广场", 118.7836, 32.0617),
    ("武汉市江汉区建设大道568号", "新世界国贸大厦", 114.2710, 30.5865),
    ("上海市徐汇区漕溪北路88号", "圣爱大厦", 121.4378, 31.1941),
    ("苏州市工业园区苏州大道东265号", "现代传媒广场", 120.6758, 31.3163),
];

/// A generated person.
pub struct Person {
    /// Chinese full name.
    pub name: String,
    /// Surname only, for 王先生 / 李姐.
    pub surname: &'static str,
    /// Pinyin, CamelCase, for userids.
    pub pinyin: String,
    /// 1 male, 2 female.
    pub gender: u8,
}

/// A random Chinese person.
pub fn person<R: Rng>(rng: &mut R) -> Person {
    let (surname, sp) = *SURNAMES.choose(rng).unwrap_or(&("王", "Wang"));
    let gender: u8 = if rng.random_bool(0.5) { 1 } else { 2 };
    let female = gender == 2;
    let mut name = String::from(surname);
    let mut pinyin = String::from(sp);
    let chars = if rng.random_bool(0.7) { 2 } else { 1 };
    for _ in 0..chars {
        // Lean towards gendered characters but not strictly.
        let mut pick = GIVEN.choose(rng).unwrap_or(&GIVEN[0]);
        for _ in 0..3 {
            if pick.2 == female {
                break;
            }
            pick = GIVEN.choose(rng).unwrap_or(&GIVEN[0]);
        }
        name.push_str(pick.0);
        pinyin.push_str(pick.1);
    }
    Person {
        name,
        surname,
        pinyin,
        gender,
    }
}

/// A WeChat nickname for a customer, sometimes their real name.
pub fn nickname<R: Rng>(rng: &mut R, p: &Person) -> String {
    match rng.random_range(0..10) {
        0..=4 => p.name.clone(),
        5..=8 => NICKNAMES.choose(rng).copied().unwrap_or("微信用户").to_string(),
        _ => format!("{}{}", p.name, ["🌟", "-", "_", "🍀"][rng.random_range(0..4)]),
    }
}

/// How an employee addresses a customer.
pub fn address_form<R: Rng>(rng: &mut R, p: &Person) -> String {
    match (p.gender, rng.random_range(0..4)) {
        (1, 0) => format!("{}总", p.surname),
        (1, 1) => format!("{}哥", p.surname),
        (1, _) => format!("{}先生", p.surname),
        (_, 0) => format!("{}姐", p.surname),
        (_, 1) => format!("{}女士", p.surname),
        _ => format!("{}女士", p.surname),
    }
}

const ID_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A WeCom-style opaque id: `prefix` + 6-character corp part + `AA` + random tail, 32 characters in all.
pub fn wecom_id<R: Rng>(rng: &mut R, prefix: &str, corp_part: &str) -> String {
    let mut s = String::with_capacity(32);
    s.push_str(prefix);
    s.push_str(corp_part);
    s.push_str("AA");
    while s.len() < 32 {
        s.push(ID_CHARS[rng.random_range(0..ID_CHARS.len())] as char);
    }
    s
}

/// Random alphanumeric string of `n` characters.
pub fn alnum<R: Rng>(rng: &mut R, n: usize) -> String {
    (0..n)
        .map(|_| ID_CHARS[rng.random_range(0..62)] as char)
        .collect()
}
