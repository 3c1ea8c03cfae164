# ruff: noqa: E501  (demo prose: one HTML paragraph per line reads better than split strings)
"""Demo content of the public site: the service guide (6 items × 5 aspects, written from seed
004 and the provincial offices' guides), a few articles per column, the login commitment.
Idempotent: cells and articles already present are left alone."""

from __future__ import annotations

from typing import Final

from ..models import Article, Aspect, GuideEntry, Item
from .articles import sanitise
from .login import current_commitment

CONTACTS: Final = (
    "<p>登记管理机关（赋码机关）：市机构编制委员会办公室事业单位登记管理局</p>"
    "<p>办公地址：市民中心行政服务大厅 3 号窗口</p>"
    "<p>咨询电话：0571-85250000（工作日 9:00—12:00，13:30—17:00）</p>"
)
_ONLINE_PROCESS: Final = (
    "<ol><li>点击“机关用户服务”中的相应按钮，在登录对话框中上传登录二维码图片并输入验证码登录；</li>"
    "<li>阅读《登录承诺》并点击“同意”；</li>"
    "<li>在“申请信息录入”页面填写信息，可随时“暂存”；证书有有效期的单位按清单“上传附件”；</li>"
    "<li>点击“提交”，赋码机关受理、复核；“办理进度”显示未通过的，按“回复信息”修改后重新提交；</li>"
    "<li>“办理进度”显示待打印的，点击“下载表格”，签字盖章后面交或邮寄至赋码机关（或相应的政务服务窗口单位）。</li></ol>"
)
_ON_SITE: Final = (
    "<p>本事项需要现场办理：请携带申请材料到登记管理机关（或相应的政务服务窗口单位）办理。</p>"
)
GUIDE: Final[dict[str, dict[str, str]]] = {
    Item.INITIAL: {
        Aspect.SCOPE: "<p>依法设立、尚未赋予统一社会信用代码的机关、群团组织等单位。</p>",
        Aspect.PROCESS: _ON_SITE + "<p>赋码机关审核后赋予统一社会信用代码，发放《统一社会信用代码证书》。</p>",
        Aspect.MATERIALS: "<ul><li>《机关、群团等统一社会信用代码申请表》</li><li>机构编制部门批准设立的文件</li><li>负责人任职文件</li></ul>",
        Aspect.FORMS: "<p>《机关、群团等统一社会信用代码申请表》：受理窗口领取或在线办理页面“下载表格”。</p>",
        Aspect.CONTACTS: CONTACTS,
    },
    Item.CHANGE: {
        Aspect.SCOPE: "<p>已赋码单位的名称、负责人、住所等证书记载事项发生变化的。</p>",
        Aspect.PROCESS: _ONLINE_PROCESS,
        Aspect.MATERIALS: "<ul><li>《机关、群团等统一社会信用代码证书信息变更申请表》（签字盖章）</li><li>变更事项的批准文件（证书有有效期的单位须在线上传）</li></ul>",
        Aspect.FORMS: "<p>《机关、群团等统一社会信用代码证书信息变更申请表》：在线办理页面“下载表格”。</p>",
        Aspect.CONTACTS: CONTACTS,
    },
    Item.REISSUE: {
        Aspect.SCOPE: "<p>《统一社会信用代码证书》遗失的单位。</p>",
        Aspect.PROCESS: _ONLINE_PROCESS + "<p>办结后赋码机关在本平台发布补领公告，原证书作废。</p>",
        Aspect.MATERIALS: "<ul><li>《机关、群团等统一社会信用代码申请表》（签字盖章）</li><li>遗失声明</li><li>情况说明</li></ul>",
        Aspect.FORMS: "<p>《机关、群团等统一社会信用代码申请表》：在线办理页面“下载表格”。</p>",
        Aspect.CONTACTS: CONTACTS,
    },
    Item.RENEW: {
        Aspect.SCOPE: "<p>《统一社会信用代码证书》有效期届满需要延期的单位。</p>",
        Aspect.PROCESS: _ON_SITE,
        Aspect.MATERIALS: "<ul><li>《机关、群团等统一社会信用代码申请表》</li><li>原《统一社会信用代码证书》</li></ul>",
        Aspect.FORMS: "<p>《机关、群团等统一社会信用代码申请表》：受理窗口领取。</p>",
        Aspect.CONTACTS: CONTACTS,
    },
    Item.REPLACE: {
        Aspect.SCOPE: "<p>《统一社会信用代码证书》污损、破损需要换领的单位。</p>",
        Aspect.PROCESS: _ONLINE_PROCESS + "<p>领取新证书时交回原证书。</p>",
        Aspect.MATERIALS: "<ul><li>《机关、群团等统一社会信用代码申请表》（签字盖章）</li><li>换领情况说明</li><li>原《统一社会信用代码证书》</li></ul>",
        Aspect.FORMS: "<p>《机关、群团等统一社会信用代码申请表》：在线办理页面“下载表格”。</p>",
        Aspect.CONTACTS: CONTACTS,
    },
    Item.REVOKE: {
        Aspect.SCOPE: "<p>被撤销、撤并或者依法终止的单位。</p>",
        Aspect.PROCESS: _ONLINE_PROCESS + "<p>办结后赋码机关收回原证书并在本平台发布撤销公告，登录二维码图片同时作废。</p>",
        Aspect.MATERIALS: "<ul><li>《机关、群团等统一社会信用代码申请表》（签字盖章）</li><li>撤销（撤并）的批准文件</li><li>原《统一社会信用代码证书》</li></ul>",
        Aspect.FORMS: "<p>《机关、群团等统一社会信用代码申请表》：在线办理页面“下载表格”。</p>",
        Aspect.CONTACTS: CONTACTS,
    },
}  # fmt: skip

ARTICLES: Final = (
    (Article.Category.NOTICE, "关于启用机关网上赋码平台登录二维码图片的通知",
     "<p>即日起，机关群团办理统一社会信用代码变更、补领、换领、撤销业务，可使用登录二维码图片在线办理。"
     "尚未领取的单位请填写《机关网上赋码系统登录二维码图片申领表》，加盖公章后面交或邮寄本级登记管理机关。</p>"),
    (Article.Category.NOTICE, "关于做好年度统一社会信用代码信息核查工作的通知",
     "<p>请各单位核对本单位统一社会信用代码证书记载事项，发现变化的及时申请变更。</p>"),
    (Article.Category.POLICY, "统一社会信用代码（GB 32100—2015）",
     "<p>国家标准规定了法人和其他组织统一社会信用代码的编码结构：登记管理部门代码、机构类别代码、"
     "登记管理机关行政区划码、主体标识码和校验码。</p>"),
    (Article.Category.POLICY, "机关、群团等统一社会信用代码赋码管理办法（摘要）",
     "<p>机构编制部门是机关、群团等单位统一社会信用代码的赋码机关，负责赋码、变更、补领、换领和撤销。</p>"),
    (Article.Category.TECH, "登录二维码图片使用说明",
     "<p>请将收到的登录二维码图片保存至本地。登录时在“图片登录”中上传该图片（也可以是截图或照片），输入验证码后点击“登录”。"
     "图片遗失的，请重新申领，原图片随即作废。</p>"),
    (Article.Category.TECH, "常见问题解答",
     "<p><strong>问：</strong>上传图片后提示未能识别二维码？<br><strong>答：</strong>请上传清晰、完整的原始图片。</p>"),
    (Article.Category.ANNUAL, "2025 年度事业单位法人年度报告公示说明",
     "<p>事业单位法人应于每年 3 月 31 日前报送上一年度的年度报告，公示内容包括开展业务活动情况、资产损益情况等。</p>"),
    (Article.Category.ANNUAL, "年度报告填报指南",
     "<p>登录事业单位用户服务，按提示填写年度报告并提交。</p>"),
)  # fmt: skip


def load_demo_content() -> None:
    current_commitment()
    for item, aspects in GUIDE.items():
        for aspect, body in aspects.items():
            GuideEntry.objects.get_or_create(
                item=item, aspect=aspect, defaults={"body": sanitise(body)}
            )
    for category, title, body in ARTICLES:
        Article.objects.get_or_create(
            category=category, title=title, defaults={"body": sanitise(body)}
        )
