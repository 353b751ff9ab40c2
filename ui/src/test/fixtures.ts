// One sample content per msgtype, shaped like `crates/model` serialises them, for renderer tests
// and the fake backend.
import type { Content, Message } from '../lib/backend';

export const HOSTILE = '<img src=x onerror=alert(1)>';

export const SAMPLES: Record<string, Content> = {
  text: { msgtype: 'text', content: '您好，这款理财产品保本吗？😀' },
  image: { msgtype: 'image', md5sum: 'abc', filesize: 48213, sdkfileid: 'img-1' },
  revoke: { msgtype: 'revoke', pre_msgid: 'm-revoked' },
  agree: { msgtype: 'agree', userid: 'wmCUST1', agree_time: 1_763_700_000_000 },
  disagree: { msgtype: 'disagree', userid: 'wmCUST1', disagree_time: 1_763_700_000_000 },
  voice: { msgtype: 'voice', voice_size: 6810, play_length: 12, sdkfileid: 'voice-1' },
  video: { msgtype: 'video', filesize: 1_503_211, play_length: 65, sdkfileid: 'video-1' },
  card: { msgtype: 'card', corpname: '微信联系人', userid: 'wmPRIVATE' },
  location: {
    msgtype: 'location',
    longitude: 121.4737,
    latitude: 31.2304,
    address: '上海市黄浦区人民大道200号',
    title: '人民广场',
    zoom: 15,
  },
  emotion: { msgtype: 'emotion', type: 2, width: 120, height: 120, imagesize: 9000, sdkfileid: 'emo-1' },
  file: {
    msgtype: 'file',
    filename: '2026年产品说明书.pdf',
    fileext: 'pdf',
    filesize: 2_411_724,
    sdkfileid: 'file-1',
  },
  link: {
    msgtype: 'link',
    title: '年化收益 8% 的稳健之选',
    description: '点击了解详情',
    link_url: 'https://example.com/offer?id=1',
  },
  weapp: { msgtype: 'weapp', title: '预约开户', description: '三步完成', username: 'gh_1@app', displayname: '开户助手' },
  chatrecord: {
    msgtype: 'chatrecord',
    title: '张伟和客户的聊天记录',
    item: [
      {
        type: 'ChatRecordText',
        msgtime: 1_763_700_000,
        from_chatroom: false,
        content: { msgtype: 'text', content: '转发的第一条' },
      },
      {
        type: 'ChatRecordMixed',
        msgtime: 1_763_700_060,
        from_chatroom: false,
        content: {
          msgtype: 'chatrecord',
          title: '更早的聊天记录',
          item: [
            {
              type: 'ChatRecordText',
              msgtime: 1_763_600_000,
              from_chatroom: true,
              content: { msgtype: 'text', content: '嵌套的一条' },
            },
          ],
        },
      },
    ],
  },
  todo: { msgtype: 'todo', title: '回访客户', content: '周五前确认风险测评' },
  vote: { msgtype: 'vote', votetitle: '团建地点', voteitem: ['杭州', '苏州'], votetype: 101, voteid: 'v1', nested: false },
  collect: {
    msgtype: 'collect',
    room_name: '理财客户群',
    creator: 'zhangwei',
    create_time: '2026-11-20 10:00:00',
    title: '客户信息收集',
    details: [
      { id: 1, ques: '您的手机号', type: 'Text' },
      { id: 2, ques: '方便联系的时间', type: 'Time' },
    ],
  },
  redpacket: { msgtype: 'redpacket', type: 1, wish: '恭喜发财，大吉大利', totalcnt: 1, totalamount: 8888 },
  external_redpacket: { msgtype: 'external_redpacket', type: 2, wish: '新年快乐', totalcnt: 5, totalamount: 500 },
  meeting: {
    msgtype: 'meeting',
    topic: '季度产品说明会',
    starttime: 1_763_719_200,
    endtime: 1_763_722_800,
    address: '3号会议室',
    remarks: '请准时参加',
    meetingtype: 101,
    meetingid: 1234567,
    status: 1,
  },
  docmsg: { msgtype: 'docmsg', title: '客户名单（内部）', doc_creator: 'zhangwei', link_url: 'https://doc.example.com/d/1' },
  markdown: { msgtype: 'markdown', content: '**加粗** [链接](https://example.com) <b>html</b>' },
  news: {
    msgtype: 'news',
    item: [{ title: '市场周报', description: '本周要闻', url: 'https://news.example.com/1', picurl: '' }],
  },
  calendar: {
    msgtype: 'calendar',
    title: '客户拜访',
    creatorname: '张伟',
    attendeename: ['李娜', '王强'],
    starttime: 1_763_719_200,
    endtime: 1_763_722_800,
    place: '客户公司',
    remarks: '带上合同',
  },
  mixed: {
    msgtype: 'mixed',
    item: [
      { content: { msgtype: 'text', content: '看看这张图' } },
      { content: { msgtype: 'image', sdkfileid: 'img-2', filesize: 1000 } },
    ],
  },
  meeting_voice_call: { msgtype: 'meeting_voice_call', voiceid: 'vc1', endtime: 1_763_722_800, sdkfileid: 'mvc-1' },
  voip_doc_share: { msgtype: 'voip_doc_share', voipid: 'vp1', filename: '共享.pptx', filesize: 30000, sdkfileid: 'vds-1' },
  sphfeed: { msgtype: 'sphfeed', feed_type: 4, sph_name: '财经频道', feed_desc: '一分钟看懂基金' },
  voiptext: { msgtype: 'voiptext', callduration: 125, invitetype: 1 },
  qydiskfile: { msgtype: 'qydiskfile', filename: '微盘/合同模板.docx' },
  switch: { msgtype: 'switch' },
  unknown: { msgtype: 'unknown', name: 'hologram', raw: { msgtype: 'hologram', hologram: { depth: 3 } } },
};

/** The same hostile string placed in every free-text field of several msgtypes. */
export function hostileSamples(): Content[] {
  return [
    { msgtype: 'text', content: HOSTILE },
    { msgtype: 'markdown', content: HOSTILE },
    { msgtype: 'file', filename: HOSTILE, fileext: 'pdf', filesize: 1, sdkfileid: 'f' },
    { msgtype: 'link', title: HOSTILE, description: HOSTILE, link_url: HOSTILE },
    { msgtype: 'weapp', title: HOSTILE, description: HOSTILE, username: 'u', displayname: HOSTILE },
    { msgtype: 'todo', title: HOSTILE, content: HOSTILE },
    { msgtype: 'redpacket', type: 1, wish: HOSTILE, totalcnt: 1, totalamount: 1 },
    { msgtype: 'location', longitude: 0, latitude: 0, address: HOSTILE, title: HOSTILE },
    { msgtype: 'unknown', name: HOSTILE, raw: { html: HOSTILE } },
    {
      msgtype: 'chatrecord',
      title: HOSTILE,
      item: [{ type: 'ChatRecordText', msgtime: 1, from_chatroom: false, content: { msgtype: 'text', content: HOSTILE } }],
    },
  ];
}

export function message(content: Content, over: Partial<Message> = {}): Message {
  return {
    msgid: `m-${content.msgtype}`,
    action: content.msgtype === 'revoke' ? 'recall' : 'send',
    from: 'zhangwei',
    tolist: ['wmCUST1'],
    roomid: '',
    msgtime: 1_763_705_100_000,
    content,
    ...over,
  };
}
