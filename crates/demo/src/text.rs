//! Hand-written template banks for Chinese sales and service chats, and the slot filler.
//!
//! Templates carry `{slot}` placeholders (see [`Slots`]). None of the templates may contain a word of
//! the demo lexicon ([`crate::risk::RULES`]) or anything a contact detector would flag: planted risk is
//! inserted only by [`crate::risk`], so `truth.json` is exact. A test scans every generated text for that.

use rand::Rng;
use rand::seq::IndexedRandom;

/// The five industries the demo corp works in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Industry {
    /// Insurance (保险).
    Insurance,
    /// Bank wealth management (银行理财).
    Wealth,
    /// Securities brokerage (证券).
    Securities,
    /// Education and training (教育).
    Education,
    /// E-commerce (电商).
    Ecommerce,
}

impl Industry {
    /// All industries, in a fixed order.
    pub const ALL: [Industry; 5] = [
        Industry::Insurance,
        Industry::Wealth,
        Industry::Securities,
        Industry::Education,
        Industry::Ecommerce,
    ];

    /// The template bank of this industry.
    pub fn bank(self) -> &'static Bank {
        match self {
            Industry::Insurance => &INSURANCE,
            Industry::Wealth => &WEALTH,
            Industry::Securities => &SECURITIES,
            Industry::Education => &EDUCATION,
            Industry::Ecommerce => &ECOMMERCE,
        }
    }
}

/// One industry's templates, by conversational move.
pub struct Bank {
    /// Products, funds, courses or goods the chats are about.
    pub products: &'static [&'static str],
    /// A customer opens a chat with a question.
    pub c_open: &'static [&'static str],
    /// An employee reaches out first.
    pub e_open: &'static [&'static str],
    /// A customer's follow-up questions.
    pub c_ask: &'static [&'static str],
    /// An employee's answers and quotes.
    pub e_answer: &'static [&'static str],
    /// A customer complains.
    pub c_complain: &'static [&'static str],
    /// An employee apologises and resolves.
    pub e_resolve: &'static [&'static str],
    /// An employee's reminder or follow-up (renewal, payment, class, delivery).
    pub e_remind: &'static [&'static str],
    /// Document file names shared in this industry (without extension).
    pub docs: &'static [&'static str],
}

static INSURANCE: Bank = Bank {
    products: &[
        "鼎信安康重疾险",
        "鼎信福寿年金险",
        "少儿教育金",
        "百万医疗险",
        "意外综合保障计划",
        "增额终身寿险",
        "惠民补充医疗",
        "鼎信守护定期寿险",
        "家财险",
        "高端医疗险",
        "养老年金",
        "学平险",
    ],
    c_open: &[
        "你好，想咨询一下{p}",
        "{me}你好，{p}现在还能买吗",
        "请问{p}多少钱一年",
        "我家孩子{n}岁了，有什么合适的保险推荐吗",
        "在吗？想问下{p}怎么理赔",
        "你好，我上次住院的费用能报吗",
        "我妈今年{age}岁，还能投保{p}吗",
        "{p}和普通医疗险有什么区别",
        "朋友推荐你的，想了解一下{p}",
        "保单到期了，续保要怎么弄",
    ],
    e_open: &[
        "{name}您好，我是鼎信保险的{me}，之前您咨询过{p}，现在有什么疑问随时问我",
        "{name}好，您的{p}将在{date}到期，需要帮您办理续保吗",
        "{name}，最近{p}做了升级，保障范围多了{n}种疾病，给您简单介绍下？",
        "您好{name}，理赔材料我们已经收到了，正在审核中",
        "{name}早上好，上次说的{p}方案我整理好了，您看下",
        "{name}您好，温馨提醒您的保单{date}需要缴费，金额{amt}",
    ],
    c_ask: &[
        "每年交多少钱",
        "交{term}的话一共交多少",
        "有等待期吗",
        "既往症能保吗",
        "理赔需要什么材料",
        "能不能按月交",
        "犹豫期是多久",
        "这个能给孩子和老人一起买吗",
        "要体检吗",
        "报销比例是多少",
        "免赔额是多少",
        "线上就能投保吗",
        "如果中途不想交了怎么办",
        "受益人可以改吗",
    ],
    e_answer: &[
        "按您的情况，{p}每年保费大概{amt}，交{term}",
        "等待期是{days}天，等待期后确诊就可以申请理赔",
        "需要提供身份证、病历、发票和银行卡信息",
        "这款可以月缴，每月大概{amt}",
        "犹豫期是{days}天，期间退保全额退还保费",
        "{age}岁以内都可以投保，不需要体检，如实告知就行",
        "免赔额是一万元，社保报销后的部分按比例赔付",
        "给您算了一下，{term}交完，总保费{amt}",
        "这个方案包含重疾、轻症和中症，保额{amt}",
        "可以的，在我们小程序上就能投保，我把链接发您",
        "受益人可以随时变更，带上身份证到柜台或者线上办理",
        "理赔款一般{days}个工作日到账",
    ],
    c_complain: &[
        "理赔都一个月了还没消息，怎么回事",
        "当时说得好好的，现在又说不赔",
        "为什么扣款了也没人通知我",
        "打你们客服电话一直打不通",
        "怎么又让我补材料，上次不是交过了吗",
        "续保费怎么涨了这么多",
    ],
    e_resolve: &[
        "非常抱歉{name}，我马上帮您催一下理赔进度",
        "理解您的心情，我这边查到是缺少一张发票，补齐后{days}个工作日内处理",
        "抱歉给您添麻烦了，扣款是保单自动续期，我把明细发给您",
        "我已经反馈给理赔部门了，今天下班前给您答复",
        "保费调整是因为年龄段变化，我帮您看看有没有更合适的方案",
    ],
    e_remind: &[
        "{name}，您的保单还有{days}天到期，记得续保哦",
        "{name}您好，理赔款{amt}已经打到您尾号{tail}的银行卡了",
        "提醒一下，{date}前补交体检报告就可以承保",
        "{name}，年金险的生存金已经发放，可以在小程序里查看",
    ],
    docs: &[
        "投保须知",
        "保险条款",
        "理赔申请书",
        "产品说明书",
        "保障方案对比",
        "健康告知书",
        "保单",
    ],
};

static WEALTH: Bank = Bank {
    products: &[
        "鼎信稳健30天持有",
        "鼎信月月盈",
        "季季享理财",
        "半年定开",
        "现金管理类理财",
        "大额存单",
        "鼎信安鑫一年期",
        "固收+债券基金",
        "养老理财",
        "结构性存款",
        "鼎信臻享90天",
        "同业存单指数基金",
    ],
    c_open: &[
        "你好，{p}现在收益多少",
        "{me}，我有{amt}想理财，有什么推荐",
        "请问{p}什么时候开放申购",
        "我的理财到期了，钱什么时候到账",
        "你好，大额存单还有额度吗",
        "{p}能随时赎回吗",
        "最近有什么短期的理财产品",
        "想给父母买点稳一点的产品",
        "你好，我想把定期转成理财，怎么操作",
    ],
    e_open: &[
        "{name}您好，我是您的理财经理{me}，{p}本周开放申购，业绩比较基准{rate}",
        "{name}，您的{p}{date}到期，到期后资金会自动回到活期账户",
        "{name}早，新一期大额存单{date}发行，起存{amt}，需要给您预留额度吗",
        "{name}您好，近期市场波动较大，您持有的产品净值有回撤，这里给您解读一下",
        "{name}，本月理财周报发您了，有问题随时找我",
    ],
    c_ask: &[
        "起购金额是多少",
        "业绩比较基准是多少",
        "风险等级是几级",
        "多久能赎回",
        "有手续费吗",
        "去年实际收益怎么样",
        "到期了会自动续吗",
        "可以在手机银行上买吗",
        "和存款比哪个划算",
        "R2的风险大吗",
        "净值最近怎么跌了",
        "能不能分几笔买",
    ],
    e_answer: &[
        "起购金额{amt}，递增单位一千元",
        "业绩比较基准是{rate}，这是历史测算，不代表实际收益",
        "风险等级是R{risk}，适合稳健型客户",
        "持有满{days}天可以赎回，赎回后T+1到账",
        "认购费是零，管理费每年{fee}",
        "手机银行首页点理财，搜索{p}就可以",
        "近一年年化大约{rate}，过往业绩不代表未来表现",
        "到期后不会自动续期，资金会回到您的活期",
        "这个产品主要投向债券和存单，波动比较小",
        "大额存单利率{rate}，{term}期限，可以转让",
        "我帮您看了一下，您的风险评估还有{days}天到期，需要重新测评",
    ],
    c_complain: &[
        "怎么亏了这么多，你当时可没说会亏",
        "赎回的钱怎么还没到账",
        "手机银行一直登不上去",
        "为什么给我推风险这么高的产品",
        "理财经理换了也不通知一声",
        "收益怎么比说的低这么多",
    ],
    e_resolve: &[
        "非常抱歉{name}，我查一下资金在途情况，预计{date}到账",
        "理解您的担心，净值波动主要是债市调整，我把持仓明细发您",
        "抱歉{name}，这是我们的疏忽，我跟您详细说明一下产品情况",
        "我已经提交了工单，技术同事今天会回电给您",
        "您看要不要调整一下配置，我给您出个方案",
    ],
    e_remind: &[
        "{name}，您的{p}{date}到期，到期后有什么打算吗",
        "{name}您好，您的风险测评已过期，麻烦在手机银行重新做一下",
        "提醒一下，{p}{date}开放赎回，需要的话提前一天操作",
        "{name}，您的理财收益{amt}已经到账了",
    ],
    docs: &[
        "产品说明书",
        "风险揭示书",
        "理财周报",
        "资产配置建议",
        "客户权益须知",
        "月度对账单",
        "认购协议",
    ],
};

static SECURITIES: Bank = Bank {
    products: &[
        "两融账户",
        "科创板权限",
        "创业板权限",
        "鼎信价值精选",
        "沪深300ETF",
        "国债逆回购",
        "可转债",
        "港股通",
        "鼎信量化1号",
        "红利低波ETF",
        "新股申购",
        "投顾组合",
    ],
    c_open: &[
        "你好，想开通{p}，需要什么条件",
        "{me}，今天的行情怎么看",
        "我的账户怎么卖不出去",
        "佣金能不能再低一点",
        "请问{p}怎么操作",
        "你好，银证转账失败了",
        "新股中签了要怎么缴款",
        "想问下{p}的费率",
    ],
    e_open: &[
        "{name}您好，我是鼎信证券的客户经理{me}，有开户或交易问题随时找我",
        "{name}，今天{p}有新的投资者教育活动，欢迎参加",
        "{name}早，今天早盘策略发您了，仅供参考",
        "{name}您好，您的账户{date}有新股可申购，记得操作",
        "{name}，提醒一下您的{p}资质{date}到期，需要重新认证",
    ],
    c_ask: &[
        "需要多少资产才能开",
        "佣金是万几",
        "融资利率是多少",
        "T+0吗",
        "手续费怎么收",
        "什么时候能用",
        "这个风险大吗",
        "有没有最低持仓要求",
        "逆回购怎么买最划算",
        "港股通要交什么税",
    ],
    e_answer: &[
        "开通{p}需要前二十个交易日日均资产{amt}，加上两年交易经验",
        "您现在的佣金是万{comm}，可以申请调整",
        "融资年利率是{rate}",
        "可转债是T+0交易，当天买当天可以卖",
        "国债逆回购一般月末和节前利率比较高",
        "开通后下一个交易日就能使用",
        "中签后当天16点前保证账户有足够资金就可以",
        "这个问题我请示一下营业部，稍后回复您",
        "APP里点交易，再点{p}就能找到",
        "投资有风险，以下观点仅供参考，不构成投资建议",
    ],
    c_complain: &[
        "APP又卡了，下单都下不了",
        "为什么我的佣金比别人高",
        "转账都两个小时了还没到",
        "说好的投顾服务怎么没人管",
        "推荐的票全亏了",
    ],
    e_resolve: &[
        "非常抱歉，今天上午行情系统拥堵，已经恢复了",
        "我帮您申请佣金调整，{date}生效",
        "我查一下转账记录，银行那边可能有延迟",
        "抱歉{name}，我把投顾老师的联系方式推给您，每周会有一次复盘",
        "理解您的心情，市场波动较大，我们一起看看持仓怎么调整",
    ],
    e_remind: &[
        "{name}，明天{date}有新债申购，可以关注",
        "提醒一下，{p}{date}是最后交易日",
        "{name}您好，您的身份证件即将过期，请及时更新",
        "{name}，月度对账单已经发到您邮箱了",
    ],
    docs: &[
        "早盘策略",
        "开户指南",
        "风险揭示书",
        "两融业务合同",
        "月度对账单",
        "行业研究报告",
        "投资者教育手册",
    ],
};

static EDUCATION: Bank = Bank {
    products: &[
        "少儿英语启蒙班",
        "初中数学提高班",
        "高考志愿规划",
        "雅思冲刺班",
        "成人会计考证班",
        "少儿编程课",
        "钢琴一对一",
        "考研政治全程班",
        "教师资格证面试班",
        "书法兴趣班",
        "小升初衔接营",
        "暑期夏令营",
    ],
    c_open: &[
        "你好，想咨询一下{p}",
        "老师好，{p}什么时候开课",
        "请问{p}多少钱",
        "孩子{age}岁，适合上什么课",
        "{me}老师，今天的课可以调到下周吗",
        "你好，上次试听的课感觉不错，怎么报名",
        "网课的回放在哪里看",
        "老师，孩子这次考试成绩出来了",
    ],
    e_open: &[
        "{name}您好，我是鼎信教育的课程顾问{me}，{p}{date}开班，名额有限",
        "{name}家长好，孩子今天的课堂表现很棒，作业已经发到群里了",
        "{name}，{p}本周六有一节免费试听课，要不要带孩子来体验一下",
        "{name}您好，这是本月的课表，请查收",
        "{name}，新学期{p}早鸟价截止到{date}",
    ],
    c_ask: &[
        "一节课多长时间",
        "一共多少课时",
        "可以分期付款吗",
        "老师是什么背景",
        "在哪个校区上课",
        "有线上课吗",
        "不满意可以退费吗",
        "一个班多少人",
        "教材费另外收吗",
        "需要提前做什么准备",
    ],
    e_answer: &[
        "{p}一共{n}课时，每节{mins}分钟",
        "学费{amt}，包含教材和测评",
        "支持分{n}期，零手续费",
        "主讲老师有{n}年教学经验，毕业于师范大学",
        "我们在{city}有{n}个校区，您看哪个近",
        "线上线下都有，线上是直播小班课",
        "开课{n}次内不满意可以按剩余课时退费",
        "小班课，一个班不超过{n}个人",
        "课表已经发您了，每周六上午{time}",
        "入学前会有一次免费测评，帮孩子定级",
    ],
    c_complain: &[
        "老师临时换人也不提前说",
        "退费申请都半个月了还没处理",
        "孩子上了两个月一点进步都没有",
        "课程和宣传的完全不一样",
        "教室空调坏了好几天了",
    ],
    e_resolve: &[
        "非常抱歉，原老师临时生病，我们会给孩子补一节课",
        "退费已经在走流程了，预计{date}前退回原支付账户",
        "抱歉{name}，我约一下班主任和您电话沟通孩子的学习情况",
        "这个问题我已经反馈给校区，今天就安排维修",
        "理解您的心情，我们给孩子安排一次免费的学习规划",
    ],
    e_remind: &[
        "{name}，明天{time}有课，别忘了带练习册",
        "提醒一下，{p}{date}开课，请提前十分钟到",
        "{name}家长，本周作业还没有提交哦",
        "{name}，续费优惠截止到{date}",
    ],
    docs: &[
        "课程表",
        "入学测评报告",
        "学习规划",
        "报名协议",
        "课程介绍",
        "期中成绩单",
        "家长须知",
    ],
};

static ECOMMERCE: Bank = Bank {
    products: &[
        "无线蓝牙耳机",
        "空气炸锅",
        "羊绒围巾",
        "儿童安全座椅",
        "扫地机器人",
        "真丝睡衣",
        "保温杯",
        "护肤套装",
        "运动跑鞋",
        "智能手表",
        "有机大米礼盒",
        "咖啡机",
    ],
    c_open: &[
        "你好，{p}还有货吗",
        "亲，订单{order}什么时候发货",
        "在吗？{p}有没有优惠",
        "我买的{p}怎么还没到",
        "请问{p}有其他颜色吗",
        "收到的{p}有点问题",
        "你好，怎么开发票",
        "我想退货，怎么操作",
    ],
    e_open: &[
        "亲，您好，我是鼎信优选的客服{me}，有什么可以帮您",
        "{name}您好，您购买的{p}已经发货，顺丰单号SF{track}",
        "亲，{p}今天限时特惠，到手价{amt}",
        "{name}您好，您的{p}已签收，使用中有任何问题随时联系我",
        "亲，店铺会员日{date}开始，全场满减",
    ],
    c_ask: &[
        "能便宜点吗",
        "包邮吗",
        "几天能到",
        "有赠品吗",
        "保修多久",
        "可以开专票吗",
        "尺码偏大还是偏小",
        "支持七天无理由吗",
        "用什么快递",
        "能不能改地址",
    ],
    e_answer: &[
        "亲，现在下单立减{small}元，到手价{amt}",
        "全国包邮，偏远地区除外",
        "今天下午四点前下单当天发货，一般{days}天到",
        "{p}保修一年，非人为损坏免费换新",
        "可以开电子普票和专票，下单时备注抬头和税号",
        "支持七天无理由退换，商品不影响二次销售就行",
        "亲，订单{order}已经出库了，运单号稍后同步",
        "默认发顺丰，部分地区中通",
        "已经帮您改好地址了，请核对一下",
        "尺码标准，建议按平时的码数拍",
    ],
    c_complain: &[
        "收到的东西是坏的",
        "都一个星期了还没发货",
        "跟图片差太多了",
        "退款怎么还没到",
        "客服怎么一直不回消息",
        "快递把东西弄丢了",
        "质量太差了，用了两天就坏了",
    ],
    e_resolve: &[
        "非常抱歉亲，麻烦拍张照片给我，马上给您补发",
        "亲，退款已经处理了，{days}个工作日内原路退回",
        "实在抱歉，我帮您催一下仓库，今天一定发出",
        "亲，这边给您申请了{small}元补偿，给您带来不便了",
        "快递那边我已经登记理赔，同时给您重新发一件",
    ],
    e_remind: &[
        "亲，您的{p}已经到驿站了，记得取件",
        "{name}您好，您的退款{amt}已原路退回",
        "亲，您的订单{order}还没付款，库存只保留到{date}",
        "亲，收到货满意的话麻烦给个五星评价",
    ],
    docs: &[
        "商品清单",
        "售后服务政策",
        "发票",
        "使用说明书",
        "活动规则",
        "对账单",
        "质检报告",
    ],
};

/// Customer acknowledgements.
pub static C_ACK: &[&str] = &[
    "好的",
    "嗯嗯",
    "好的，谢谢",
    "收到",
    "明白了",
    "哦哦好的",
    "知道了",
    "行",
    "可以",
    "好的好的",
    "嗯，我看看",
    "OK",
    "好嘞",
    "那我再考虑考虑",
    "回头跟家里人商量一下",
    "好，晚点回复你",
    "了解了",
];

/// Customer thanks.
pub static C_THANKS: &[&str] = &[
    "谢谢",
    "谢谢你啊",
    "辛苦了",
    "太感谢了",
    "谢谢{me}",
    "好的，麻烦你了",
    "非常感谢，服务很好",
    "多谢多谢",
    "谢谢，你真耐心",
];

/// Employee greetings.
pub static E_GREET: &[&str] = &[
    "您好{name}",
    "{name}您好，请问有什么可以帮您",
    "您好，我是{me}",
    "{name}好",
    "在的，您说",
    "您好，在的",
    "{name}下午好",
    "{name}早上好",
];

/// Employee holding messages.
pub static E_WAIT: &[&str] = &[
    "稍等，我帮您查一下",
    "好的，我确认一下马上回复您",
    "您稍等片刻",
    "我问一下同事，稍后答复您",
    "收到，马上处理",
];

/// Employee closings.
pub static E_CLOSE: &[&str] = &[
    "不客气，有问题随时联系我",
    "好的{name}，祝您生活愉快",
    "应该的，有需要随时找我",
    "好的，那我们保持联系",
    "不客气，后续有进展我第一时间通知您",
    "好的，您先忙",
    "没问题，随时联系",
    "感谢您的信任",
];

/// Angry customer follow-ups (no insults: insults are planted only through the lexicon).
pub static C_ANGRY: &[&str] = &[
    "每次都这么说",
    "我要投诉",
    "你们这服务也太差了",
    "今天必须给我个说法",
    "算了，不想说了",
    "我再等一天，不行就投诉",
];

/// Internal group posts.
pub static INTERNAL_POST: &[&str] = &[
    "各位，本周{p}的业绩目标是{amt}，请大家抓紧跟进",
    "下午{time}开周会，请准时参加",
    "新版客户回访话术已上传，请大家学习",
    "提醒：合规培训{date}截止，还没完成的同事抓紧",
    "本月客户满意度{pct}，感谢大家",
    "{me}这个客户的情况大家帮忙看一下",
    "明天系统升级，{time}到{time2}暂停服务",
    "季度考核表发群里了，周五前交",
    "有客户反馈{p}的问题，谁熟悉的帮忙回复一下",
    "报销单记得{date}前提交",
    "今天谁值班？",
    "收到请回复",
];

/// Internal group replies.
pub static INTERNAL_REPLY: &[&str] = &[
    "收到",
    "收到，谢谢",
    "好的",
    "明白",
    "我来跟进",
    "已完成",
    "我下午处理",
    "收到[OK]",
    "我看一下",
    "好的领导",
    "这个客户我之前对接过，我来",
    "+1",
    "马上到",
    "已提交",
];

/// Customer group posts by an employee.
pub static GROUP_POST: &[&str] = &[
    "各位家人早上好，今天给大家分享一下{p}",
    "群里的朋友们，{date}有线上直播讲解{p}，欢迎参加",
    "温馨提示：{p}{date}截止，有需要的私聊我",
    "大家有任何问题都可以在群里问哦",
    "本周福利：{p}限时优惠",
    "欢迎新朋友入群，有问题随时@我",
    "今天的市场简报发给大家，仅供参考",
    "周末愉快，提醒大家注意防范电信诈骗",
];

/// Customer group messages by customers.
pub static GROUP_CUSTOMER: &[&str] = &[
    "收到",
    "谢谢分享",
    "这个怎么参加",
    "请问{p}还有名额吗",
    "好的",
    "[强][强]",
    "学习了",
    "@{me} 我私聊你了",
    "直播几点开始",
    "上次那个活动还有吗",
    "早上好",
    "支持一下",
];

/// Fillers a speaker can prefix.
const PREFIX: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "嗯，",
    "对了，",
    "那个，",
    "哦，",
    "另外，",
    "请问",
    "还有，",
];
/// Fillers a speaker can suffix.
const SUFFIX: &[&str] = &[
    "", "", "", "", "", "", "。", "～", "哈", "[微笑]", "[抱拳]", "！", "呢", "？", "[OK]", "[愉快]",
    "[握手]",
];

const CITIES: &[&str] = &[
    "上海", "北京", "深圳", "杭州", "南京", "成都", "武汉", "广州", "苏州", "西安", "天津", "重庆", "长沙",
    "青岛",
];
const DAYS_ZH: &[&str] = &["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// Values that fill the `{slot}`s of a template.
pub struct Slots<'a> {
    /// How the customer is addressed (王先生, 李姐, 亲).
    pub name: &'a str,
    /// The employee's name or title as the customer says it.
    pub me: &'a str,
    /// The product this conversation is about.
    pub product: &'a str,
}

/// Fills a template's slots. Unknown slots are left as they are (none should exist).
pub fn fill<R: Rng>(rng: &mut R, template: &str, slots: &Slots<'_>, out: &mut String) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let key = &rest[open + 1..open + close];
        fill_slot(rng, key, slots, out);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

fn fill_slot<R: Rng>(rng: &mut R, key: &str, s: &Slots<'_>, out: &mut String) {
    use std::fmt::Write as _;
    match key {
        "name" => out.push_str(s.name),
        "me" => out.push_str(s.me),
        "p" => out.push_str(s.product),
        "amt" => {
            let _ = match rng.random_range(0..4) {
                0 => write!(out, "{}万", rng.random_range(1..100)),
                1 => write!(out, "{}元", rng.random_range(2..300) * 100),
                2 => write!(
                    out,
                    "¥{},{:03}",
                    rng.random_range(1..60),
                    rng.random_range(0..10) * 100
                ),
                _ => write!(out, "{}.{}万", rng.random_range(1..30), rng.random_range(1..10)),
            };
        }
        "small" => {
            let _ = write!(out, "{}", [5, 10, 20, 30, 50, 100][rng.random_range(0..6)]);
        }
        "rate" => {
            let _ = write!(out, "{}.{:02}%", rng.random_range(1..6), rng.random_range(0..100));
        }
        "fee" => {
            let _ = write!(out, "0.{}%", rng.random_range(1..9) * 5);
        }
        "pct" => {
            let _ = write!(out, "{}.{}%", rng.random_range(85..100), rng.random_range(0..10));
        }
        "comm" => {
            let _ = write!(
                out,
                "{}",
                ["一", "一点五", "二", "二点五", "三"][rng.random_range(0..5)]
            );
        }
        "risk" => {
            let _ = write!(out, "{}", rng.random_range(1..4));
        }
        "date" => {
            let _ = match rng.random_range(0..4) {
                0 => write!(out, "{}月{}日", rng.random_range(1..13), rng.random_range(1..29)),
                1 => write!(out, "下{}", DAYS_ZH[rng.random_range(0..7)]),
                2 => write!(out, "本月{}号", rng.random_range(1..29)),
                _ => write!(out, "{}号", rng.random_range(1..29)),
            };
        }
        "time" | "time2" => {
            let _ = write!(
                out,
                "{}:{:02}",
                rng.random_range(8..21),
                [0, 15, 30, 45][rng.random_range(0..4)]
            );
        }
        "term" => {
            let _ = write!(
                out,
                "{}",
                ["三年", "五年", "十年", "二十年", "一年", "半年", "趸交"][rng.random_range(0..7)]
            );
        }
        "days" => {
            let _ = write!(out, "{}", [3, 5, 7, 10, 15, 30, 90, 180][rng.random_range(0..8)]);
        }
        "mins" => {
            let _ = write!(out, "{}", [40, 45, 60, 90, 120][rng.random_range(0..5)]);
        }
        "n" => {
            let _ = write!(out, "{}", rng.random_range(2..25));
        }
        "age" => {
            let _ = write!(out, "{}", rng.random_range(3..70));
        }
        "tail" => {
            let _ = write!(out, "{:04}", rng.random_range(0..10000));
        }
        "order" => crate::risk::order_number(rng, out),
        "track" => {
            let _ = write!(
                out,
                "{}",
                rng.random_range(100_000_000_000u64..1_000_000_000_000u64)
            );
        }
        "city" => out.push_str(CITIES[rng.random_range(0..CITIES.len())]),
        _ => {
            out.push('{');
            out.push_str(key);
            out.push('}');
        }
    }
}

/// Picks a template from `bank`, fills it, and optionally decorates it with a filler prefix or suffix.
pub fn say<R: Rng>(rng: &mut R, bank: &[&str], slots: &Slots<'_>, out: &mut String) {
    let Some(t) = bank.choose(rng) else { return };
    if rng.random_bool(0.25) {
        out.push_str(PREFIX.choose(rng).copied().unwrap_or(""));
    }
    fill(rng, t, slots, out);
    if rng.random_bool(0.35) {
        out.push_str(SUFFIX.choose(rng).copied().unwrap_or(""));
    }
}

/// Emoji codes as WeCom writes them inside text.
pub static EMOJI: &[&str] = &[
    "[微笑]", "[呲牙]", "[抱拳]", "[OK]", "[强]", "[玫瑰]", "[握手]", "[愉快]", "[捂脸]", "[合十]",
];
