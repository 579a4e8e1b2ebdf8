<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertsTab</name>
    <message>
        <source>not recognised</source>
        <translation>未识别</translation>
    </message>
    <message>
        <source>asked for help</source>
        <translation>请求帮助</translation>
    </message>
    <message>
        <source>interested in</source>
        <translation>感兴趣的商品</translation>
    </message>
    <message>
        <source>No alerts. Shoppers&apos; taps on “I&apos;m interested” and “Call staff” appear here.</source>
        <translation>暂无提醒。顾客点击“我感兴趣”或“呼叫店员”后会显示在这里。</translation>
    </message>
    <message>
        <source>Alerts since the kiosk started: {count}</source>
        <translation>自终端启动以来的提醒：{count} 条</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>shopper</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>A name is shown only for an enrolled shopper the kiosk recognised as a live person. Switch on a sound for new alerts in Settings.</source>
        <translation>仅当已登记的顾客被识别为真人时才显示姓名。可在“设置”中开启新提醒提示音。</translation>
    </message>
</context>
<context>
    <name>AnalyticsTab</name>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Mood: how shoppers&apos; faces looked (positive, neutral, negative) while suggestions were on screen, read from their expressions. “Learns from taps” (a contextual bandit) shows more of what shoppers tap; “rules” and “popularity” are fixed ways of picking.</source>
        <translation>情绪：推荐显示期间顾客面部表情呈现的状态（积极、中性、消极）。“根据点击学习”（一种情境老虎机算法）会更多展示顾客点击过的商品；“规则”和“热门”是固定的挑选方式。</translation>
    </message>
    <message>
        <source>{total} visits · {known} enrolled · {unknown} others</source>
        <translation>{total} 次到访 · {known} 次已登记 · {unknown} 次其他</translation>
    </message>
    <message>
        <source>Visits per hour of day</source>
        <translation>每小时到访次数</translation>
    </message>
    <message>
        <source>Enrolled vs other visitors</source>
        <translation>已登记顾客与其他访客</translation>
    </message>
    <message>
        <source>Shoppers&apos; mood while suggestions were shown</source>
        <translation>推荐显示期间的顾客情绪</translation>
    </message>
    <message>
        <source>Suggestions shown and tapped, by how they were picked</source>
        <translation>按挑选方式统计的推荐展示与点击</translation>
    </message>
    <message>
        <source>enrolled</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>others</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>shown</source>
        <translation>展示</translation>
    </message>
    <message>
        <source>tapped</source>
        <translation>点击</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>积极</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>中性</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>消极</translation>
    </message>
    <message>
        <source>not read</source>
        <translation>未读取</translation>
    </message>
    <message>
        <source>learns from taps</source>
        <translation>根据点击学习</translation>
    </message>
    <message>
        <source>rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>popularity</source>
        <translation>热门</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
</context>
<context>
    <name>AttractPage</name>
    <message>
        <source>Step closer for picks made for you</source>
        <translation>请走近一些，查看为您挑选的商品</translation>
    </message>
    <message>
        <source>Find it: {place}</source>
        <translation>位置：{place}</translation>
    </message>
</context>
<context>
    <name>BundleDialogs</name>
    <message>
        <source>Export bundle</source>
        <translation>导出数据包</translation>
    </message>
    <message>
        <source>Import bundle</source>
        <translation>导入数据包</translation>
    </message>
    <message>
        <source>Exported {people} people to {file} (bundle #{counter}, valid until {day}).</source>
        <translation>已将 {people} 人导出到 {file}（第 {counter} 号数据包，有效期至 {day}）。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Passphrase for the bundle (four or more unrelated words; you will need it on the iPad or the other kiosk):</source>
        <translation>数据包口令（四个或更多互不相关的词；在 iPad 或另一台终端上需要用到）：</translation>
    </message>
    <message>
        <source>The same passphrase again:</source>
        <translation>请再次输入同一口令：</translation>
    </message>
    <message>
        <source>the two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
    <message>
        <source>Imported bundle #{counter}: {added} people added, {updated} updated, {templates} templates; {forgotten} forgotten as the bundle asks, {refused} forgotten here before and not added back.</source>
        <translation>已导入第 {counter} 号数据包：新增 {added} 人，更新 {updated} 人，{templates} 个模板；按数据包要求删除 {forgotten} 人，{refused} 人此前已在本机删除，未重新添加。</translation>
    </message>
    <message>
        <source>The bundle&apos;s passphrase:</source>
        <translation>数据包口令：</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>未完成：{reason}</translation>
    </message>
</context>
<context>
    <name>CapturePage</name>
    <message>
        <source>Look straight at the camera</source>
        <translation>请正视摄像头</translation>
    </message>
    <message>
        <source>Add these captures to that person</source>
        <translation>将这些采集添加到此人</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>2 · Capture</source>
        <translation>2 · 采集</translation>
    </message>
    <message>
        <source>Turn your head a little to one side</source>
        <translation>请将头稍微转向一侧</translation>
    </message>
    <message>
        <source>Now a little to the other side</source>
        <translation>现在稍微转向另一侧</translation>
    </message>
    <message>
        <source>Got it.</source>
        <translation>已采集。</translation>
    </message>
    <message>
        <source>Look at the camera.</source>
        <translation>请看摄像头。</translation>
    </message>
    <message>
        <source>Only one person, please.</source>
        <translation>请只保留一个人。</translation>
    </message>
    <message>
        <source>Move closer.</source>
        <translation>请靠近一些。</translation>
    </message>
    <message>
        <source>Hold still.</source>
        <translation>请保持不动。</translation>
    </message>
    <message>
        <source>Move your head a little.</source>
        <translation>请稍微移动头部。</translation>
    </message>
    <message>
        <source>Checking it&apos;s a live person: blink, or turn your head.</source>
        <translation>正在确认是真人：请眨眼或转动头部。</translation>
    </message>
    <message>
        <source>Only the person enrolling, please.</source>
        <translation>请只有登记者本人在镜头前。</translation>
    </message>
    <message>
        <source>Keep going.</source>
        <translation>请继续。</translation>
    </message>
    <message>
        <source>Capture paused: this face is already enrolled.</source>
        <translation>采集已暂停：此面孔已登记。</translation>
    </message>
    <message>
        <source>All done, thank you.</source>
        <translation>完成，谢谢。</translation>
    </message>
    <message>
        <source>That frame could not be analysed; carry on.</source>
        <translation>这一帧无法分析；请继续。</translation>
    </message>
    <message>
        <source>Live person confirmed.</source>
        <translation>已确认是真人。</translation>
    </message>
    <message>
        <source>Checking it&apos;s a live person…</source>
        <translation>正在确认是否为真人…</translation>
    </message>
    <message>
        <source>This face is already enrolled as {name} (person {id}). Add these captures to that person, or cancel.</source>
        <translation>此面孔已登记为 {name}（编号 {id}）。请将这些采集添加到此人，或取消。</translation>
    </message>
</context>
<context>
    <name>CardWidget</name>
    <message>
        <source>I&apos;m interested</source>
        <translation>我感兴趣</translation>
    </message>
    <message>
        <source>Thanks! We told staff</source>
        <translation>谢谢！已通知店员</translation>
    </message>
</context>
<context>
    <name>CatalogTab</name>
    <message>
        <source>Search products, hidden ones too (name, tag, category)</source>
        <translation>搜索商品，包括已隐藏的（名称、标签、类别）</translation>
    </message>
    <message>
        <source>Import catalog file…</source>
        <translation>导入商品目录文件…</translation>
    </message>
    <message>
        <source>Show hidden products again</source>
        <translation>重新显示已隐藏的商品</translation>
    </message>
    <message>
        <source>When ticked, an import shows again the products staff hid, if the file lists them as shown. When not ticked, hidden products stay hidden.</source>
        <translation>勾选后，若文件中将店员隐藏的商品标为显示，导入时会重新显示它们；不勾选则保持隐藏。</translation>
    </message>
    <message>
        <source>shown</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>sku</source>
        <translation>货号</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>The catalog is empty: import a CSV or JSON file (see catalog/README.md).</source>
        <translation>商品目录为空：请导入 CSV 或 JSON 文件（参见 catalog/README.md）。</translation>
    </message>
    <message>
        <source>{count} products, {hidden} hidden from suggestions.</source>
        <translation>共 {count} 件商品，其中 {hidden} 件不参与推荐。</translation>
    </message>
    <message>
        <source>{sku} is now shown.</source>
        <translation>{sku} 现已显示。</translation>
    </message>
    <message>
        <source>{sku} is now hidden.</source>
        <translation>{sku} 现已隐藏。</translation>
    </message>
    <message>
        <source>Import catalog</source>
        <translation>导入商品目录</translation>
    </message>
    <message>
        <source>Catalog (*.csv *.json)</source>
        <translation>商品目录 (*.csv *.json)</translation>
    </message>
    <message>
        <source>Not imported: {reason}</source>
        <translation>未导入：{reason}</translation>
    </message>
    <message>
        <source>Imported {file}: {added} new, {updated} updated.</source>
        <translation>已导入 {file}：新增 {added} 件，更新 {updated} 件。</translation>
    </message>
    <message>
        <source>{count} products you hid stay hidden (tick “Show hidden products again” to show them).</source>
        <translation>{count} 件您隐藏的商品仍保持隐藏（勾选“重新显示已隐藏的商品”即可显示）。</translation>
    </message>
    <message>
        <source>Nothing was imported from {file}: {count} problems. Fix them and try again:</source>
        <translation>{file} 未导入任何内容：发现 {count} 个问题。请修正后重试：</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>……另有 {count} 个</translation>
    </message>
    <message>
        <source>• line {line}, {column}: {problem}</source>
        <translation>• 第 {line} 行，{column}：{problem}</translation>
    </message>
</context>
<context>
    <name>EmptyCatalog</name>
    <message>
        <source>Our products will be here soon</source>
        <translation>我们的商品即将上架</translation>
    </message>
    <message>
        <source>For staff: the catalog is empty. Open staff mode, then Catalog, Import catalog file… (or run: kiosk catalog import FILE.csv)</source>
        <translation>店员请注意：商品目录为空。请打开店员模式，依次选择“商品目录”“导入商品目录文件…”（或运行：kiosk catalog import 文件.csv）</translation>
    </message>
</context>
<context>
    <name>EnrolTab</name>
    <message>
        <source>Shopper&apos;s name as they want to be greeted</source>
        <translation>顾客希望被称呼的名字</translation>
    </message>
    <message>
        <source>The shopper read this and agrees</source>
        <translation>顾客已阅读并同意</translation>
    </message>
    <message>
        <source>Also keep (encrypted) photos of the captures</source>
        <translation>同时保存采集的（加密）照片</translation>
    </message>
    <message>
        <source>Start capture</source>
        <translation>开始采集</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>1 · Consent</source>
        <translation>1 · 同意</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Take more</source>
        <translation>继续采集</translation>
    </message>
    <message>
        <source>Cancel: save nothing</source>
        <translation>取消：不保存任何内容</translation>
    </message>
    <message>
        <source>3 · Review</source>
        <translation>3 · 检查</translation>
    </message>
    <message>
        <source>Enrol someone else</source>
        <translation>登记其他人</translation>
    </message>
    <message>
        <source>4 · Saved</source>
        <translation>4 · 已保存</translation>
    </message>
    <message>
        <source>I agree that this kiosk stores a numeric template of my face (encrypted, never a photo unless I ask) to recognise me and suggest products for me. I can ask staff to forget me at any time, and everything about me is then deleted.</source>
        <translation>我同意本终端保存我面部的数字模板（加密保存；除非我要求，绝不保存照片），用于识别我并为我推荐商品。我可以随时请店员删除我的信息，届时与我有关的一切都会被删除。</translation>
    </message>
    <message>
        <source>A name and the shopper&apos;s consent are needed first.</source>
        <translation>请先填写姓名并取得顾客同意。</translation>
    </message>
    <message>
        <source>Dropped. Take more to replace it, or save.</source>
        <translation>已删除。请继续采集以补上，或直接保存。</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>未保存：{reason}</translation>
    </message>
    <message>
        <source>{name} is enrolled: {count} captures saved (encrypted).</source>
        <translation>{name} 已登记：已保存 {count} 次采集（加密）。</translation>
    </message>
</context>
<context>
    <name>Expressions</name>
    <message>
        <source>happy</source>
        <translation>开心</translation>
    </message>
    <message>
        <source>angry</source>
        <translation>生气</translation>
    </message>
    <message>
        <source>sad</source>
        <translation>难过</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>平静</translation>
    </message>
    <message>
        <source>surprised</source>
        <translation>惊讶</translation>
    </message>
    <message>
        <source>confused</source>
        <translation>困惑</translation>
    </message>
</context>
<context>
    <name>GalleryTab</name>
    <message>
        <source>Search by name</source>
        <translation>按姓名搜索</translation>
    </message>
    <message>
        <source>id</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>captures</source>
        <translation>采集</translation>
    </message>
    <message>
        <source>templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>photos kept</source>
        <translation>保留照片</translation>
    </message>
    <message>
        <source>enrolled</source>
        <translation>登记日期</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Captures: the faces a person gave (at enrolment or in imported photos). Templates: what recognition compares, the captures plus a mirrored copy of each (when switched on) and one average per person.</source>
        <translation>采集：顾客提供的面部图像（登记时采集或导入的照片）。模板：识别时比对的数据，包括各次采集、每次采集的镜像副本（如已开启）以及每人一个平均模板。</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Re-enrol</source>
        <translation>重新登记</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Export bundle</source>
        <translation>导出数据包</translation>
    </message>
    <message>
        <source>Import bundle</source>
        <translation>导入数据包</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Select a person first.</source>
        <translation>请先选择一个人。</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新姓名：</translation>
    </message>
    <message>
        <source>Renamed.</source>
        <translation>已重命名。</translation>
    </message>
    <message>
        <source>Forget this person?</source>
        <translation>删除此人？</translation>
    </message>
    <message>
        <source>Delete {name} and everything about them (templates, photos, visits, history)? This cannot be undone.</source>
        <translation>删除 {name} 及其全部信息（模板、照片、到访记录、历史）？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Forgotten: all deleted.</source>
        <translation>已删除：全部信息已清除。</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>未完成：{reason}</translation>
    </message>
</context>
<context>
    <name>Greetings</name>
    <message>
        <source>Welcome back, {name}!</source>
        <translation>{name}，欢迎回来！</translation>
    </message>
    <message>
        <source>Welcome!</source>
        <translation>欢迎光临！</translation>
    </message>
    <message>
        <source>Step closer for picks made for you</source>
        <translation>请走近一些，查看为您挑选的商品</translation>
    </message>
</context>
<context>
    <name>HelpBanner</name>
    <message>
        <source>A member of staff is on the way.</source>
        <translation>店员马上就来。</translation>
    </message>
    <message>
        <source>Need help? Tap to call staff</source>
        <translation>需要帮助吗？点按呼叫店员</translation>
    </message>
    <message>
        <source>Call staff</source>
        <translation>呼叫店员</translation>
    </message>
    <message>
        <source>No, thanks</source>
        <translation>不用了，谢谢</translation>
    </message>
</context>
<context>
    <name>KioskApp</name>
    <message>
        <source>Staff mode is locked</source>
        <translation>店员模式已锁定</translation>
    </message>
    <message>
        <source>Staff mode is locked: no staff PIN has been set on this kiosk. On this PC, open a terminal and run `kiosk staff set-pin --staff YOUR-NAME`, then try again.</source>
        <translation>店员模式已锁定：本终端尚未设置店员 PIN。请在这台电脑上打开终端，运行 `kiosk staff set-pin --staff 你的名字`，然后重试。</translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <source>Retrying in {seconds} s…</source>
        <translation>{seconds} 秒后重试…</translation>
    </message>
    <message>
        <source>The camera is not available ({detail}).</source>
        <translation>摄像头不可用（{detail}）。</translation>
    </message>
    <message>
        <source>No camera: suggestions are for everyone until it is back.</source>
        <translation>摄像头不可用：恢复前推荐内容面向所有人。</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在启动摄像头…</translation>
    </message>
    <message>
        <source>The picture is black: is the camera covered?</source>
        <translation>画面全黑：摄像头被遮挡了吗？</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>&lt;h3&gt;How this kiosk uses your face&lt;/h3&gt;&lt;p&gt;&lt;b&gt;What it does.&lt;/b&gt; The camera picture is analysed on this device only, to show products you may like. It estimates your expression (happy, neutral, ...) and whether you wear a mask. Nothing leaves the device.&lt;/p&gt;&lt;p&gt;&lt;b&gt;If you are not enrolled&lt;/b&gt;, the kiosk does not know who you are and stores no picture or face data of you. It records only that someone was here and for how long, and deletes even that after {days} days.&lt;/p&gt;&lt;p&gt;&lt;b&gt;If you enrolled&lt;/b&gt; (only with your consent, with a member of staff), the kiosk keeps an encrypted numeric template of your face, never a photo unless you asked, to greet you and remember what you liked. Your name and picks appear only after the kiosk has checked that it sees a live person, not a photo.&lt;/p&gt;&lt;p&gt;&lt;b&gt;To opt out&lt;/b&gt;: step out of the camera&apos;s view, or press &lt;i&gt;Pause&lt;/i&gt;: no face is analysed or recorded until then. &lt;b&gt;To be forgotten&lt;/b&gt;: ask staff; everything about you is deleted at once, and cannot be recovered.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;本终端如何使用您的面部信息&lt;/h3&gt;&lt;p&gt;&lt;b&gt;用途。&lt;/b&gt;摄像头画面仅在本机分析，用于展示您可能喜欢的商品。它会估计您的表情（开心、平静……）以及是否佩戴口罩。任何信息都不会离开本机。&lt;/p&gt;&lt;p&gt;&lt;b&gt;如果您未登记&lt;/b&gt;，终端不知道您是谁，也不会存储您的照片或面部数据。它只记录有人来过以及停留多久，并在 {days} 天后删除这些记录。&lt;/p&gt;&lt;p&gt;&lt;b&gt;如果您已登记&lt;/b&gt;（仅在您同意并由店员办理的情况下），终端会保存您面部的加密数字模板（除非您要求，否则绝不保存照片），用于向您问好并记住您喜欢的商品。只有在终端确认看到的是真人而非照片后，才会显示您的姓名和专属推荐。&lt;/p&gt;&lt;p&gt;&lt;b&gt;如需退出&lt;/b&gt;：离开摄像头视野，或点按&lt;i&gt;暂停&lt;/i&gt;：在此期间不会分析或记录任何人脸。&lt;b&gt;如需删除&lt;/b&gt;：请联系店员；您的全部信息将立即删除，且无法恢复。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>This kiosk analyses faces (on this device only) to suggest products. Nothing about you is stored unless you enrol with staff. To opt out, press Pause or step away; enrolled shoppers can ask staff to forget them at any time.</source>
        <translation>本终端仅在本机分析人脸以推荐商品。除非您向店员登记，否则不会存储您的任何信息。如需退出，请点按“暂停”或离开；已登记的顾客可随时请店员删除其信息。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Privacy &amp;&amp; opt-out</source>
        <translation>隐私 &amp;&amp; 退出</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <source>Pause for 2 minutes</source>
        <translation>暂停 2 分钟</translation>
    </message>
</context>
<context>
    <name>PausePage</name>
    <message>
        <source>Face analysis is paused</source>
        <translation>人脸分析已暂停</translation>
    </message>
    <message>
        <source>Nothing about anyone in front of the kiosk is analysed, shown or recorded. It starts again by itself when the time is up.</source>
        <translation>不会分析、显示或记录终端前任何人的信息。时间到后将自动恢复。</translation>
    </message>
    <message>
        <source>Resume now</source>
        <translation>立即恢复</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Staff sign-in</source>
        <translation>店员登录</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>你的姓名</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Enter your name: staff actions are recorded.</source>
        <translation>请输入你的姓名：店员操作会被记录。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <source>Wrong PIN. {left} attempt(s) before a lock-out.</source>
        <translation>PIN 错误。再错 {left} 次将被锁定。</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in {seconds} s.</source>
        <translation>PIN 错误次数过多。请在 {seconds} 秒后重试。</translation>
    </message>
</context>
<context>
    <name>ProductDetail</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>I&apos;m interested</source>
        <translation>我感兴趣</translation>
    </message>
    <message>
        <source>Thanks! We told staff</source>
        <translation>谢谢！已通知店员</translation>
    </message>
    <message>
        <source>Find it: {place}</source>
        <translation>位置：{place}</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>Because you were interested in {product}</source>
        <translation>因为您对{product}感兴趣</translation>
    </message>
    <message>
        <source>You were interested in this before</source>
        <translation>您之前对它感兴趣</translation>
    </message>
    <message>
        <source>Because you like {category}</source>
        <translation>因为您喜欢{category}</translation>
    </message>
    <message>
        <source>You liked {category} before</source>
        <translation>您之前喜欢过{category}</translation>
    </message>
    <message>
        <source>On offer</source>
        <translation>特价</translation>
    </message>
    <message>
        <source>New this week</source>
        <translation>本周新品</translation>
    </message>
    <message>
        <source>Popular in this store today</source>
        <translation>今日本店热门</translation>
    </message>
    <message>
        <source>From our {category} range</source>
        <translation>来自我们的{category}系列</translation>
    </message>
</context>
<context>
    <name>ReviewGrid</name>
    <message>
        <source>{pose} · {size} px
sharpness {sharp} · turn {yaw}°</source>
        <translation>{pose} · {size} 像素
清晰度 {sharp} · 转角 {yaw}°</translation>
    </message>
    <message>
        <source>Tap to drop this capture and take another</source>
        <translation>点按可删除此采集并重新采集</translation>
    </message>
    <message>
        <source>{count} captures, median sharpness {sharp}. Look through them: tap any with closed eyes or a bad angle to drop it and take another.</source>
        <translation>共 {count} 次采集，清晰度中位数 {sharp}。请逐一查看：点按闭眼或角度不佳的采集即可删除并重新采集。</translation>
    </message>
    <message>
        <source>facing</source>
        <translation>正面</translation>
    </message>
    <message>
        <source>turned</source>
        <translation>侧转</translation>
    </message>
    <message>
        <source>turned the other way</source>
        <translation>转向另一侧</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>Names of recognised shoppers (after the live check)</source>
        <translation>已识别顾客的姓名（通过真人检测后）</translation>
    </message>
    <message>
        <source>Expression badge (happy, sad, …): off by default</source>
        <translation>表情标签（开心、难过……）：默认关闭</translation>
    </message>
    <message>
        <source>Mask badge</source>
        <translation>口罩标签</translation>
    </message>
    <message>
        <source>Small mirror above the picks</source>
        <translation>推荐上方的小镜像</translation>
    </message>
    <message>
        <source>Large picture beside the picks</source>
        <translation>推荐旁边的大画面</translation>
    </message>
    <message>
        <source>Beep when a shopper calls staff or is interested</source>
        <translation>顾客呼叫店员或表示感兴趣时发出提示音</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>tested default (0.600)</source>
        <translation>测试默认值（0.600）</translation>
    </message>
    <message>
        <source>Learns from shoppers&apos; taps (recommended)</source>
        <translation>根据顾客点击学习（推荐）</translation>
    </message>
    <message>
        <source>Fixed rules</source>
        <translation>固定规则</translation>
    </message>
    <message>
        <source>Most popular products</source>
        <translation>最热门商品</translation>
    </message>
    <message>
        <source>Random (for testing only)</source>
        <translation>随机（仅供测试）</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>How alike faces must be to recognise someone</source>
        <translation>识别一个人时面部需有多相似</translation>
    </message>
    <message>
        <source>Shown on faces</source>
        <translation>在人脸上显示</translation>
    </message>
    <message>
        <source>Camera picture</source>
        <translation>摄像头画面</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Currency of the catalog&apos;s prices</source>
        <translation>目录价格的货币</translation>
    </message>
    <message>
        <source>Staff alerts</source>
        <translation>店员提醒</translation>
    </message>
    <message>
        <source>Keep unknown visitors&apos; visit times for</source>
        <translation>未登记访客的到访时间保留</translation>
    </message>
    <message>
        <source>How products are picked</source>
        <translation>商品挑选方式</translation>
    </message>
    <message>
        <source>0 is the first webcam, 1 the second; a device such as /dev/video2 or a video file also works. Check it with: kiosk doctor</source>
        <translation>0 表示第一个摄像头，1 表示第二个；也可以填写设备（如 /dev/video2）或视频文件。用以下命令检查：kiosk doctor</translation>
    </message>
    <message>
        <source>The largest difference (distance) between a face and an enrolled face that still counts as the same person. Lower is stricter: fewer shoppers greeted with someone else&apos;s name, but enrolled shoppers are recognised less often. 0 uses the value tested with the model (0.600).</source>
        <translation>人脸与已登记人脸之间仍被视为同一人的最大差异（距离）。数值越小越严格：被叫错名字的顾客更少，但已登记顾客被识别的次数也更少。0 表示使用经过模型测试的数值（0.600）。</translation>
    </message>
    <message>
        <source>Everyone in the queue can read these badges: a public “sad” is unkind, so the expression badge is off unless you switch it on.</source>
        <translation>排队的每个人都能看到这些标签：公开显示“难过”并不友善，因此表情标签默认关闭，需要时再开启。</translation>
    </message>
    <message>
        <source>A three-letter code: EUR, USD, GBP, CNY, CHF, …</source>
        <translation>三个字母的代码：EUR、USD、GBP、CNY、CHF……</translation>
    </message>
    <message>
        <source>Only the times of visits by people who are not enrolled, deleted after this.</source>
        <translation>仅指未登记人员的到访时间，到期后删除。</translation>
    </message>
    <message>
        <source>“Learns from taps” tries products and shows more of what shoppers tap “I&apos;m interested” on (a method called a contextual bandit). “Fixed rules” uses shoppers&apos; stated likes and their mood. Changes apply after a restart.</source>
        <translation>“根据点击学习”会尝试不同商品，并更多展示顾客点击“我感兴趣”的商品（一种称为情境老虎机的方法）。“固定规则”依据顾客表明的喜好和情绪。更改在重启后生效。</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>未保存：{reason}</translation>
    </message>
    <message>
        <source>Saved to {path}. What faces show, the camera picture, language, currency and alerts apply now; the camera, recognition, retention and how products are picked apply when the kiosk restarts.</source>
        <translation>已保存到 {path}。人脸上的标签、摄像头画面、语言、货币和提醒立即生效；摄像头、识别、保留期限和商品挑选方式在终端重启后生效。</translation>
    </message>
</context>
<context>
    <name>StaffView</name>
    <message>
        <source>Exit the kiosk?</source>
        <translation>退出终端？</translation>
    </message>
    <message>
        <source>The kiosk closes and the screen shows the computer&apos;s desktop until the kiosk is started again. Exit?</source>
        <translation>终端将关闭，在再次启动前屏幕会显示电脑桌面。确定退出？</translation>
    </message>
    <message>
        <source>Back to the shop</source>
        <translation>返回店面</translation>
    </message>
    <message>
        <source>Exit kiosk</source>
        <translation>退出终端</translation>
    </message>
    <message>
        <source>Staff mode</source>
        <translation>店员模式</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>人员库</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>SuggestionPanel</name>
    <message>
        <source>Picked for you · tap a product for details</source>
        <translation>为您精选 · 点按商品查看详情</translation>
    </message>
    <message>
        <source>No products to suggest yet. For staff: import the catalog in staff mode.</source>
        <translation>暂无可推荐的商品。店员请注意：请在店员模式中导入商品目录。</translation>
    </message>
</context>
<context>
    <name>TextPrompt</name>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <source>Waiting for the camera…</source>
        <translation>正在等待摄像头…</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>口罩</translation>
    </message>
</context>
</TS>
