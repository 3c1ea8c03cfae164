"""The SMS templates: one per message the specification sends, registered by a stable code.

A template is Chinese text with named placeholders (``{organisation}``); ``render`` checks that
every placeholder is supplied (and nothing else), and prefixes the signature
``ZHENGWU_SMS_SIGNATURE``. ``portal`` and ``hotline`` are filled from the settings
(``ZHENGWU_PORTAL_NAME``, ``ZHENGWU_HOTLINE``) unless the caller supplies them.

The texts are not translated: SMS vendors deliver only texts matching a template registered
and approved in advance, and the recipient's language is unknown. A vendor adapter maps
``SmsTemplate.code`` to the vendor's template id. The table in
``docs/workflows/notifications.md`` lists them all.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import conf
from .errors import TemplateParamMissing, TemplateParamUnexpected, TemplateUnknown

AUTO_PARAMS = frozenset({"portal", "hotline"})


def _placeholders(text: str) -> tuple[str, ...]:
    names: list[str] = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"SMS template placeholder {{{name}}} must be a plain name")
        if name not in names:
            names.append(name)
    return tuple(names)


@dataclass(frozen=True)
class SmsTemplate:
    """One registered SMS text.

    ``code`` is stable (API, outbox, vendor mapping); ``text`` the Chinese body without the
    signature; ``rule`` the SPEC rule ids that send it; ``recipient`` who receives it.
    """

    code: str
    text: str
    rule: str
    recipient: str
    placeholders: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "placeholders", _placeholders(self.text))

    @property
    def required_params(self) -> tuple[str, ...]:
        """The placeholders the caller must supply (all but ``portal`` and ``hotline``)."""
        return tuple(name for name in self.placeholders if name not in AUTO_PARAMS)

    def render(self, params: Mapping[str, object]) -> str:
        """The full text, signature first. Raises ``TemplateParamMissing`` naming the first
        missing (or empty) placeholder, ``TemplateParamUnexpected`` naming an unknown one."""
        unexpected = sorted(set(params) - set(self.placeholders))
        if unexpected:
            raise TemplateParamUnexpected(
                f"短信模板“{self.code}”不使用参数“{unexpected[0]}”", field=unexpected[0]
            )
        defaults = {"portal": conf.portal_name(), "hotline": conf.hotline()}
        values: dict[str, str] = {}
        for name in self.placeholders:
            raw = params.get(name, defaults.get(name))
            value = "" if raw is None else str(raw).strip()
            if not value:
                raise TemplateParamMissing(f"短信模板“{self.code}”缺少参数“{name}”", field=name)
            values[name] = value
        return conf.signature() + self.text.format_map(values)


_CODE_TAIL = "验证码{code}，{minutes}分钟内有效。"

TEMPLATES: dict[str, SmsTemplate] = {
    t.code: t
    for t in [
        # REG-7 / REG-10: registration done, or refused after review.
        SmsTemplate(
            "registration.succeeded",
            "您已成功注册{organisation}的法人账号“{username}”，可登录{portal}办理业务。",
            "REG-7, REG-10",
            "applicant (operator or agent)",
        ),
        SmsTemplate(
            "registration.rejected",
            "您为{organisation}提交的法人账号注册申请未通过审核，原因：{reason}。"
            "您可登录{portal}修改后重新提交。",
            "REG-10",
            "agent",
        ),
        # REG-11: a natural person's account opened after the face check.
        SmsTemplate(
            "registration.natural_succeeded",
            "您已成功注册{portal}个人账号“{username}”，可使用该手机号和密码登录办理业务。",
            "REG-11",
            "applicant",
        ),
        # REG-7: an operator who is not the legal representative waits for approval.
        SmsTemplate(
            "operator_application.approval_requested",
            "{applicant}申请成为{organisation}的经办人，请登录{portal}在“组织中心—经办人申请”中审核。",
            "REG-7",
            "legal representative and administrators",
        ),
        SmsTemplate(
            "operator_application.approved",
            "您申请成为{organisation}经办人的申请已通过，可使用账号“{username}”登录{portal}。",
            "REG-7",
            "applicant",
        ),
        SmsTemplate(
            "operator_application.rejected",
            "您申请成为{organisation}经办人的申请未通过，原因：{reason}。",
            "REG-7",
            "applicant",
        ),
        # REG-9 / REG-11: the manual channel (人工认证).
        SmsTemplate(
            "manual_review.received",
            "您的人工认证申请已提交，受理编号{reference}，我们将于{deadline}前完成审核并短信"
            "通知您。",
            "REG-9, REG-11",
            "applicant",
        ),
        SmsTemplate(
            "manual_review.approved",
            "您的人工认证申请（受理编号{reference}）已审核通过，可登录{portal}办理业务。",
            "REG-9, REG-11",
            "applicant",
        ),
        SmsTemplate(
            "manual_review.rejected",
            "您的人工认证申请（受理编号{reference}）未通过，原因：{reason}。请登录{portal}"
            "修改后重新提交。",
            "REG-9, REG-11",
            "applicant",
        ),
        # REG-10: the agent path with the legal representative's e-signature.
        SmsTemplate(
            "mandate.signature_requested",
            "{agent}正在代{organisation}注册法人账号，请于48小时内（{deadline}前）打开链接，"
            "完成人脸识别并签署授权委托书：{link} 如非本单位业务，请忽略。",
            "REG-10",
            "legal representative",
        ),
        SmsTemplate(
            "mandate.signature_timed_out",
            "{organisation}的法定代表人未在48小时内签署授权委托书，签名已超时。您可登录"
            "{portal}重新提交或返回修改。",
            "REG-10",
            "agent",
        ),
        SmsTemplate(
            "mandate.signature_refused",
            "{organisation}的法定代表人已拒绝签署授权委托书。您可登录{portal}重新提交或返回修改。",
            "REG-10",
            "agent",
        ),
        # REG-4, REG-11, ACC-2, ACC-3, ACC-4: verification codes (one per purpose).
        SmsTemplate(
            "verification_code.registration",
            "您正在注册{portal}账号，" + _CODE_TAIL + "请勿将验证码告诉他人。",
            "REG-4, REG-11",
            "the mobile being registered",
        ),
        SmsTemplate(
            "verification_code.sign_in",
            "您正在登录{portal}，" + _CODE_TAIL + "如非本人操作，请忽略本短信。",
            "ACC-1",
            "the bound mobile",
        ),
        SmsTemplate(
            "verification_code.unlock",
            "您正在解锁{portal}账号，" + _CODE_TAIL + "如非本人操作，请尽快修改密码。",
            "ACC-2",
            "the bound mobile",
        ),
        SmsTemplate(
            "verification_code.password_reset",
            "您正在重置{portal}账号密码，" + _CODE_TAIL + "如非本人操作，请忽略本短信。",
            "ACC-3",
            "the bound mobile",
        ),
        SmsTemplate(
            "verification_code.username_recovery",
            "您正在找回{portal}账号用户名，" + _CODE_TAIL + "如非本人操作，请忽略本短信。",
            "ACC-3",
            "the bound mobile",
        ),
        SmsTemplate(
            "verification_code.mobile_change",
            "您正在变更{portal}账号绑定的手机号，" + _CODE_TAIL + "请勿将验证码告诉他人。",
            "ACC-4",
            "the new mobile",
        ),
        # ACC-2: locked after 10 wrong passwords.
        SmsTemplate(
            "account.locked",
            "您的账号“{username}”因密码连续输错次数过多已被锁定。您可通过短信验证码自助解锁，"
            "或拨打{hotline}联系客服。如非本人操作，请尽快修改密码。",
            "ACC-2",
            "the bound mobile",
        ),
        # ACC-4: operator details changed by the legal representative or an administrator.
        SmsTemplate(
            "operator.details_changed",
            "{organisation}的经办人信息（{changes}）已由{changed_by}变更。如有疑问，请拨打"
            "{hotline}。",
            "ACC-4",
            "the operator's old and new mobile",
        ),
        # ACC-5 / REG-8: an account opened (or handed to a new person) in 组织中心; the person
        # sets the password through the link.
        SmsTemplate(
            "operator.account_opened",
            "{organisation}已为您开通经办人账号“{username}”，请于{hours}小时内打开链接设置"
            "登录密码：{link} 如非本人业务，请忽略。",
            "ACC-5, REG-8",
            "the operator's mobile",
        ),
        # AG-7: agency code-assignment applications.
        SmsTemplate(
            "agency_coding.accepted",
            "{organisation}的统一社会信用代码{item}申请已受理，请登录{portal}查看办理进度。",
            "AG-7",
            "agency contact",
        ),
        SmsTemplate(
            "agency_coding.returned",
            "{organisation}的统一社会信用代码{item}申请未通过，原因：{reason}。请登录{portal}"
            "修改后重新提交。",
            "AG-7",
            "agency contact",
        ),
        SmsTemplate(
            "agency_coding.notified",
            "{organisation}的统一社会信用代码{item}申请已审核通过，请登录{portal}查看通知。",
            "AG-7",
            "agency contact",
        ),
        SmsTemplate(
            "agency_coding.to_print",
            "{organisation}的统一社会信用代码{item}申请待打印，请将签字盖章的《{form}》送交"
            "{authority}。",
            "AG-7",
            "agency contact",
        ),
        SmsTemplate(
            "agency_login.image_link",
            "{organisation}的登录二维码图片已签发，请在{hours}小时内打开一次性链接下载并保存：{link}",
            "AG-4",
            "agency recipient",
        ),
        SmsTemplate(
            "licences.access_requested",
            "{applicant}申请查看{organisation}的电子证照，请法定代表人登录{portal}，"
            "在“我的证照”中人脸核验后授权。",
            "LIC-2",
            "legal representative",
        ),
    ]
}


def get_template(code: str) -> SmsTemplate:
    """The registered template ``code``; ``TemplateUnknown`` if there is none."""
    try:
        return TEMPLATES[code]
    except KeyError:
        raise TemplateUnknown(f"短信模板“{code}”不存在") from None


def render(code: str, params: Mapping[str, object]) -> str:
    """Render template ``code`` with ``params`` (see ``SmsTemplate.render``)."""
    return get_template(code).render(params)
