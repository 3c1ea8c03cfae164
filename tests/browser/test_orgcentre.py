"""组织中心 in Chromium on a phone-sized screen (ACC-5, REG-7): the legal representative makes an
operator an administrator; the administrator then approves a pending 经办人申请 with his own
face check passed on /sandbox/identity/, and the applicant gets the SMS."""

import re

import pytest
from django.contrib.auth.hashers import make_password

from tests.browser.phone import pass_face_check
from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership
from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.registrations.models import OperatorApplication
from zhengwu.registrations.tests.factories import OperatorApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Qy#2026login"


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")  # image captcha, test mode (ACC-1)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _pass_face_check(page, masked_name):
    pass_face_check(page, masked_name)


def test_legal_representative_makes_an_administrator_who_approves_an_application(page):
    org = OrganisationFactory(legal_rep_name="陈大明")
    rep = UserFactory(
        username="chen_rep",
        real_name="陈大明",
        id_number=org.legal_rep_id_number,
        password=make_password(PASSWORD),
    )
    MembershipFactory(organisation=org, user=rep, legal_representative=True)
    clerk = UserFactory(username="wang_clerk", real_name="王小丽", password=make_password(PASSWORD))
    MembershipFactory(organisation=org, user=clerk, operator=True)
    application = OperatorApplicationFactory(organisation=org, real_name="周新来")

    # The legal representative: 组织中心 → 经办人管理 → 设为管理员.
    _sign_in(page, "chen_rep")
    page.get_by_role("link", name="组织中心").first.click()
    page.wait_for_url(f"**/org/{org.pk}/")
    page.get_by_role("navigation").get_by_role("link", name="经办人管理").click()
    clerk_row = page.locator("li.member", has_text="wang_clerk")
    assert clerk_row.get_by_text(clerk.masked_mobile).is_visible()
    clerk_row.get_by_role("button", name="设为管理员").click()
    page.get_by_text("已授权“wang_clerk”为管理员").wait_for()
    assert Membership.objects.get(user=clerk).role == Role.ADMINISTRATOR

    # The new administrator: 组织中心 → 经办人申请 → 同意, with his own face check.
    _sign_in(page, "wang_clerk")
    page.goto(page.base_url + "/org/")
    page.get_by_role("navigation").get_by_role("link", name="经办人申请").click()
    row = page.locator(f"#application-{application.pk}")
    assert row.get_by_text(application.approver_id_number).is_visible()
    assert row.get_by_text(application.real_name).is_visible()  # approvers see the name
    row.get_by_role("button", name="同意").click()
    row.locator(".qr svg").wait_for()
    _pass_face_check(page, "王**")
    row.get_by_text("已同意").wait_for()
    application.refresh_from_db()
    assert application.status == OperatorApplication.Status.APPROVED
    assert application.decided_by == clerk

    # The applicant is told.
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={application.mobile}")
    assert sms.get_by_text(re.compile("经办人的申请已通过")).first.is_visible()
    sms.close()


def test_an_administrator_does_not_see_the_grant_button(page):
    org = OrganisationFactory()
    admin = UserFactory(username="li_admin", password=make_password(PASSWORD))
    MembershipFactory(organisation=org, user=admin, administrator=True)
    MembershipFactory(organisation=org, operator=True, user__username="zhao_op")
    _sign_in(page, "li_admin")
    page.goto(f"{page.base_url}/org/{org.pk}/operators/")
    row = page.locator("li.member", has_text="zhao_op")
    assert row.get_by_role("button", name="停用").is_visible()
    assert row.get_by_role("button", name="设为管理员").count() == 0
