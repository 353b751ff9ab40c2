import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Content } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { HOSTILE, hostileSamples, SAMPLES } from '../../test/fixtures';
import { renderWith } from '../../test/render';
import MessageContent from './MessageContent.svelte';

beforeEach(() => i18n.setLocale('zh-CN'));

function show(content: Content, backend = fakeBackend()) {
  return { backend, ...renderWith(MessageContent, { content, msgid: `m-${content.msgtype}` }, backend) };
}

/** What each msgtype must visibly say (a field of its content, or its label). */
const EXPECTED: Record<string, string[]> = {
  text: ['您好，这款理财产品保本吗？😀'],
  image: ['图片', '47 KB'],
  revoke: ['m-revoked'],
  agree: ['同意存档'],
  disagree: ['不同意存档'],
  voice: ['语音', '0:12', 'AMR/silk 格式无法在应用内播放'],
  video: ['视频', '1:05', '1.4 MB'],
  card: ['名片', '微信联系人', '个人微信名片'],
  location: ['人民广场', '上海市黄浦区人民大道200号', '31.23040, 121.47370'],
  emotion: ['表情'],
  file: ['2026年产品说明书.pdf', '2.3 MB', '另存副本'],
  link: ['年化收益 8% 的稳健之选', '点击了解详情', 'https://example.com/offer?id=1'],
  weapp: ['小程序', '开户助手', '预约开户'],
  chatrecord: ['聊天记录', '张伟和客户的聊天记录', '展开 2 条'],
  todo: ['待办', '回访客户', '周五前确认风险测评'],
  vote: ['投票', '团建地点', '杭州', '苏州'],
  collect: ['填表', '客户信息收集', '您的手机号'],
  redpacket: ['红包', '普通红包', '恭喜发财，大吉大利', '¥88.88', '1 个'],
  external_redpacket: ['互通红包', '拼手气红包', '¥5.00'],
  meeting: ['会议邀请', '季度产品说明会', '3号会议室'],
  docmsg: ['在线文档', '客户名单（内部）', 'https://doc.example.com/d/1'],
  markdown: ['**加粗** [链接](https://example.com) <b>html</b>'],
  news: ['图文', '市场周报', '本周要闻'],
  calendar: ['日程', '客户拜访', '李娜、王强', '客户公司'],
  mixed: ['看看这张图', '图片'],
  meeting_voice_call: ['音频会议录音'],
  voip_doc_share: ['通话中共享的文件', '共享.pptx'],
  sphfeed: ['视频号', '视频', '财经频道', '一分钟看懂基金'],
  voiptext: ['语音通话', '2:05'],
  qydiskfile: ['微盘文件', '微盘/合同模板.docx'],
  switch: ['切换了企业'],
  unknown: ['hologram', '"depth": 3'],
};

describe('MessageContent', () => {
  it('has an expectation for every sample msgtype', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const [type, texts] of Object.entries(EXPECTED)) {
    it(`renders ${type}`, () => {
      const { container } = show(SAMPLES[type]!);
      const root = container.querySelector('[data-content-type]');
      expect(root).toHaveAttribute('data-content-type', type);
      for (const text of texts) expect(root!.textContent).toContain(text);
    });
  }

  it('puts markup from the archive into the page as text in every msgtype that carries text', async () => {
    const user = userEvent.setup();
    for (const content of hostileSamples()) {
      const { container, unmount } = show(content);
      // Expand chat records so nested items are rendered too.
      for (const button of within(container).queryAllByRole('button', { name: /展开/ })) await user.click(button);
      expect(container.querySelector('img, script, b, iframe')).toBeNull();
      expect(container.textContent).toContain(HOSTILE);
      unmount();
    }
  });

  it('shows markdown as its source, never as formatted HTML', () => {
    const { container } = show(SAMPLES.markdown!);
    expect(container.querySelector('strong, a, b')).toBeNull();
  });

  it('shows an unknown msgtype with its raw JSON in a <pre>', () => {
    show(SAMPLES.unknown!);
    const pre = screen.getByTestId('raw-json');
    expect(pre.tagName).toBe('PRE');
    expect(JSON.parse(pre.textContent!)).toEqual({ msgtype: 'hologram', hologram: { depth: 3 } });
  });

  it('expands a chat record into its items, nested records included', async () => {
    const user = userEvent.setup();
    show(SAMPLES.chatrecord!);
    expect(screen.queryByText('转发的第一条')).toBeNull();
    await user.click(screen.getByRole('button', { name: '展开 2 条' }));
    expect(screen.getByText('转发的第一条')).toBeInTheDocument();
    expect(screen.getByText('更早的聊天记录')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '展开 1 条' }));
    expect(screen.getByText('嵌套的一条')).toBeInTheDocument();
    expect(screen.getByText(/来自群聊/)).toBeInTheDocument();
  });

  it('saves a copy of a file only after the confirmation', async () => {
    const user = userEvent.setup();
    const { backend } = show(SAMPLES.file!);

    await user.click(screen.getByRole('button', { name: '另存副本' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('另存一份明文副本？');
    await user.click(within(dialog).getByRole('button', { name: '取消' }));
    expect(backend.calls.filter(([name]) => name === 'saveMediaCopy')).toEqual([]);

    await user.click(screen.getByRole('button', { name: '另存副本' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: '另存副本' }));
    expect(backend.calls.filter(([name]) => name === 'saveMediaCopy')).toEqual([
      ['saveMediaCopy', [{ msgid: 'm-file', sdkfileid: 'file-1', filename: '2026年产品说明书.pdf' }]],
    ]);
    expect(await screen.findByRole('status')).toHaveTextContent('已保存到 /home/reviewer/Downloads/2026年产品说明书.pdf');
  });

  it('keeps the confirmation when the message scrolls out of the DOM, and returns focus after', async () => {
    const user = userEvent.setup();
    const { backend, unmount } = show(SAMPLES.file!);
    const button = screen.getByRole('button', { name: '另存副本' });
    await user.click(button);
    // The virtualised conversation drops the row while the dialog is open.
    unmount();
    const dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: '另存副本' }));
    expect(backend.calls.filter(([name]) => name === 'saveMediaCopy')).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('gives focus back to the button that opened the dialog', async () => {
    const user = userEvent.setup();
    show(SAMPLES.file!);
    const button = screen.getByRole('button', { name: '另存副本' });
    await user.click(button);
    expect(document.activeElement).toBe(within(screen.getByRole('alertdialog')).getByRole('button', { name: '取消' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('opens a link in the system browser only after the confirmation, through the backend', async () => {
    const user = userEvent.setup();
    const { backend, container } = show(SAMPLES.link!);
    expect(container.querySelector('a')).toBeNull();

    await user.click(screen.getByRole('button', { name: '在浏览器中打开' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('https://example.com/offer?id=1');
    await fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(backend.calls.filter(([name]) => name === 'openExternal')).toEqual([]);

    await user.click(screen.getByRole('button', { name: '在浏览器中打开' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: '在浏览器中打开' }));
    expect(backend.calls.filter(([name]) => name === 'openExternal')).toEqual([
      ['openExternal', ['https://example.com/offer?id=1']],
    ]);
  });

  it('offers no open button for a link that is not http(s)', () => {
    show({ msgtype: 'link', title: 't', description: '', link_url: 'javascript:alert(1)' });
    expect(screen.queryByRole('button', { name: '在浏览器中打开' })).toBeNull();
    expect(screen.getByText('javascript:alert(1)')).toBeInTheDocument();
  });

  it('shows an image from the media URL the backend gives, and a larger view on click', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ mediaUrl: () => Promise.resolve('dossier-media://localhost/img-1') });
    show(SAMPLES.image!, backend);
    const thumb = await screen.findByRole('button', { name: '查看大图：图片' });
    expect(thumb.querySelector('img')).toHaveAttribute('src', 'dossier-media://localhost/img-1');
    await user.click(thumb);
    const viewer = screen.getByRole('dialog', { name: '图片' });
    expect(viewer.querySelector('img')).toHaveAttribute('src', 'dossier-media://localhost/img-1');
    await user.click(within(viewer).getByRole('button', { name: '关闭' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the thumbnail rendition in the bubble and the full image in the viewer', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ mediaUrl: () => Promise.resolve('dossier-media://localhost/img-1') });
    renderWith(MessageContent, { content: SAMPLES.image!, msgid: 'i', media: { stored: true, mime: 'image/jpeg', thumbnail: true } }, backend);
    const thumb = await screen.findByRole('button', { name: '查看大图：图片' });
    expect(thumb.querySelector('img')).toHaveAttribute('src', 'dossier-media://localhost/img-1?thumb=1');
    await user.click(thumb);
    expect(screen.getByRole('dialog').querySelector('img')).toHaveAttribute('src', 'dossier-media://localhost/img-1');
  });

  it('says when an image is not in the cache', async () => {
    show(SAMPLES.image!);
    expect(await screen.findByText(/文件不在本地缓存中/)).toBeInTheDocument();
  });

  describe('playback', () => {
    // jsdom plays nothing; the webviews play MP4 and MP3 but not AMR or silk.
    beforeEach(() => {
      vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockImplementation((type: string) =>
        ['video/mp4', 'audio/mpeg'].includes(type) ? 'maybe' : '',
      );
    });
    afterEach(() => vi.restoreAllMocks());

    const url = (id: string) => fakeBackend({ mediaUrl: () => Promise.resolve(`dossier-media://localhost/${id}`) });

    it('plays a video from the media URL', async () => {
      const { container } = show(SAMPLES.video!, url('video-1'));
      await waitFor(() => expect(container.querySelector('video')).toHaveAttribute('src', 'dossier-media://localhost/video-1'));
    });

    it('says AMR voice cannot be played, and asks for no URL', async () => {
      const backend = url('voice-1');
      const { container } = renderWith(MessageContent, { content: SAMPLES.voice!, msgid: 'v', media: { stored: true, mime: 'audio/amr' } }, backend);
      expect(container).toHaveTextContent('AMR/silk 格式无法在应用内播放');
      expect(container.querySelector('audio')).toBeNull();
    });

    it('plays voice in a format the webview plays', async () => {
      const { container } = renderWith(
        MessageContent,
        { content: SAMPLES.voice!, msgid: 'v', media: { stored: true, mime: 'audio/mpeg' } },
        url('voice-1'),
      );
      await waitFor(() => expect(container.querySelector('audio')).toHaveAttribute('src', 'dossier-media://localhost/voice-1'));
    });

    it('does not ask for a file the cache does not hold', async () => {
      const backend = fakeBackend();
      const { container } = renderWith(MessageContent, { content: SAMPLES.image!, msgid: 'i', media: { stored: false, mime: null } }, backend);
      expect(await screen.findByText(/文件不在本地缓存中/)).toBeInTheDocument();
      expect(backend.calls.filter(([n]) => n === 'mediaUrl')).toEqual([]);
      expect(container.querySelector('img')).toBeNull();
    });
  });

  it('renders in English when switched', () => {
    i18n.setLocale('en');
    show(SAMPLES.redpacket!);
    expect(screen.getByText(/Red packet · normal/)).toBeInTheDocument();
    i18n.setLocale('zh-CN');
  });
});

describe('MessageContent with 64-bit fields as strings (how the API sends them)', () => {
  it('reads sizes, durations and amounts given as strings', () => {
    const { container, unmount } = show({ msgtype: 'file', filename: 'a.pdf', fileext: 'pdf', filesize: '2411724', sdkfileid: 'f' });
    expect(container).toHaveTextContent('2.3 MB');
    unmount();
    const voice = show({ msgtype: 'voice', play_length: '12', voice_size: '6810', sdkfileid: 'v' });
    expect(voice.container).toHaveTextContent('0:12');
    voice.unmount();
    const packet = show({ msgtype: 'redpacket', type: 1, wish: '', totalcnt: 1, totalamount: '8888' });
    expect(packet.container).toHaveTextContent('¥88.88');
  });
});
