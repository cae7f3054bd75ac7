package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/doctemplate"
)

var rawDocKey = regexp.MustCompile(`>[^<]*\b(doctemplate|ack|portal|forms)\.[a-z_]+\.?[a-z_]*[^<]*<`)

// TestDocumentPages walks the templates, acknowledgements and portal pages
// of the demo: each renders for who uses it with no raw catalogue key; a
// bad template is refused field by field; the client signs its pending
// handbook and the portal then has nothing left to show.
func TestDocumentPages(t *testing.T) {
	a, srv := demoServer(t)
	ctx := context.Background()
	office, client, legal := apptest.Login(t, srv, "office"), apptest.Login(t, srv, "client"), apptest.Login(t, srv, "legal")
	ts, err := a.Templates.List(ctx, access.SystemActor())
	if err != nil || len(ts) != 5 {
		t.Fatalf("demo templates: %d %v", len(ts), err)
	}
	byCode := map[string]doctemplate.Template{}
	for _, tp := range ts {
		byCode[tp.Code] = tp
	}
	pages := []struct {
		c    *http.Client
		path string
		want string
	}{
		{office, "/templates", "商务中心用户手册"},
		{office, fmt.Sprintf("/templates/%d", byCode["handbook"].ID), "赵磊"},
		{office, fmt.Sprintf("/templates/%d", byCode["nda"].ID), "1 人未签 / 共 2 人"},
		{office, fmt.Sprintf("/templates/%d", byCode["fitout"].ID), "审批中"},
		{legal, fmt.Sprintf("/templates/%d", byCode["nda"].ID), "商务活动保密协议"},
		{office, "/templates/new", "新建模板"},
		{client, "/portal", "待签收文件"},
		{client, "/acks", "已签收"},
	}
	for _, p := range pages {
		code, body := apptest.Get(t, p.c, srv.URL+p.path)
		if code != http.StatusOK || !strings.Contains(body, p.want) {
			t.Errorf("%s: %d, want %q", p.path, code, p.want)
		}
		if m := rawDocKey.FindString(body); m != "" {
			t.Errorf("%s: raw key %s", p.path, m)
		}
	}
	// The client may not see templates; staff do not have the portal.
	if code, _ := apptest.Get(t, client, srv.URL+"/templates"); code != http.StatusForbidden {
		t.Errorf("client on /templates: %d", code)
	}
	if code, _ := apptest.Get(t, office, srv.URL+"/portal"); code != http.StatusForbidden {
		t.Errorf("office on /portal: %d", code)
	}

	// Bad input, field by field, nothing saved.
	// Refused forms come back (redirect after POST) with their errors.
	refused := func(c *http.Client, u string, form url.Values) string {
		t.Helper()
		code, loc, _ := post(t, c, u, form)
		if code != http.StatusSeeOther || loc == "" {
			t.Errorf("refused %s: %d %q", u, code, loc)
			return ""
		}
		_, page := apptest.Get(t, c, srv.URL+loc)
		return page
	}
	body := refused(office, srv.URL+"/templates/new", url.Values{"code": {"Bad Code"}, "kind": {"handbook"}, "title": {""}, "body_zh_hans": {"致 {{org.ceo}}"}})
	if !strings.Contains(body, "未知占位符 org.ceo") || !strings.Contains(body, "必填") {
		t.Errorf("bad template: the form does not come back with its errors")
	}
	if n, _ := a.Templates.List(ctx, access.SystemActor()); len(n) != 5 {
		t.Errorf("a bad template was saved")
	}

	// The client signs the pending handbook from the portal.
	_, body = apptest.Get(t, client, srv.URL+"/portal")
	m := regexp.MustCompile(`href="/acks/(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no pending acknowledgement on the portal")
	}
	u := srv.URL + "/acks/" + m[1]
	if code, _ := apptest.Get(t, client, u); code != http.StatusOK {
		t.Fatalf("ack page: %d", code)
	}
	if body := refused(client, u+"/sign", url.Values{"name": {""}}); !strings.Contains(body, "field-err") {
		t.Errorf("sign without a name: no field error on the page it comes back to")
	}
	if code, _, _ := post(t, legal, u+"/sign", url.Values{"name": {"王律师"}}); code != http.StatusForbidden {
		t.Errorf("another signs: %d", code)
	}
	if code, loc, _ := post(t, client, u+"/sign", url.Values{"name": {"赵磊"}}); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal") {
		t.Fatalf("sign: %d %s", code, loc)
	}
	if _, body = apptest.Get(t, client, srv.URL+"/portal"); !strings.Contains(body, "目前没有需要您处理的事项") {
		t.Errorf("the portal still shows pending acknowledgements")
	}
	if _, body = apptest.Get(t, office, u); !strings.Contains(body, "赵磊 已于") {
		t.Errorf("staff do not see the signature")
	}
}
