package web_test

import (
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/storetest"
)

// An administrator walks through the administration pages; each renders its
// heading and a screenshot is kept for review.
func TestBrowserAdminPages(t *testing.T) {
	b := browsertest.New(t, browsertest.WithLang("zh-CN"))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	b.Navigate(srv.URL + "/login")
	b.SetValue("input[name=username]", "admin")
	b.SetValue("input[name=password]", "jiedai-demo")
	b.Click("form[action='/login'] button[type=submit]")
	b.WaitVisible(".page-head")
	pages := []struct{ path, heading, shot string }{
		{"/admin/users", "用户管理", "admin-users.png"},
		{"/admin/users/new", "新建用户", "admin-user-new.png"},
		{"/admin/departments", "部门管理", "admin-departments.png"},
		{"/admin/settings", "站点设置", "admin-settings.png"},
		{"/admin/calendar", "工作日历", "admin-calendar.png"},
		{"/admin/notify", "通知设置", "admin-notify.png"},
		{"/admin/jobs", "失败的后台任务", "admin-jobs.png"},
		{"/admin/audit", "审计日志", "admin-audit.png"},
		{"/account", "我的账户", "account.png"},
		{"/inbox", "收件箱", "inbox.png"},
	}
	for _, p := range pages {
		b.Navigate(srv.URL + p.path)
		b.WaitVisible("main h1")
		if got := b.Text("main h1"); !strings.Contains(got, p.heading) {
			t.Errorf("%s: heading %q, want %q", p.path, got, p.heading)
		}
		b.Screenshot("foundation/" + p.shot)
	}
}
