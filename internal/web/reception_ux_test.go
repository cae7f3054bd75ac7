package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/reception"
	"jiedai/internal/settings"
	"jiedai/internal/storetest"
)

// The admin keeps the issuer and the directions on the settings page; the
// confirmation letter prints the issuer block with its QR code and phone
// (and no button on paper), in Traditional characters for zh-Hant; the
// invitation gives the way there and the host's phone.
func TestIssuerLetterAndDirections(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	ctx := context.Background()
	ac := apptest.Login(t, srv, "admin")

	// A bad phone is refused with the field named, the other values kept.
	st, body := postFollow(t, ac, srv.URL+"/admin/settings/issuer", url.Values{"issuer_name": {"甲公司"}, "issuer_phone": {"call us"}})
	if st != 200 || !strings.Contains(body, "电话号码只能包含") || !strings.Contains(body, `value="甲公司"`) {
		t.Fatalf("bad issuer phone: %d %.600s", st, body)
	}
	if is, _ := settings.GetIssuer(ctx, a.DB); is.Phone == "call us" {
		t.Fatalf("bad phone stored")
	}
	if st, loc, _ := post(t, ac, srv.URL+"/admin/settings/issuer", url.Values{"issuer_name": {"北京测试商务中心有限公司"}, "issuer_name_en": {"Test Centre"},
		"issuer_address": {"北京市东城区测试路1号"}, "issuer_phone": {"010-1234 5678"}, "issuer_bank": {"测试银行"}, "issuer_account": {"6222 0000 1111"}}); st != 303 || !strings.Contains(loc, "ok=saved") {
		t.Fatalf("save issuer: %d %s", st, loc)
	}
	if st, _, _ := post(t, ac, srv.URL+"/admin/settings/directions", url.Values{"visit_address": {"测试路1号 B座"}, "map_url": {"https://uri.amap.com/marker?position=1,2"},
		"visit_parking": {"B1 访客车位"}, "visit_phone": {"010-1234 0000"}}); st != 303 {
		t.Fatalf("save directions: %d", st)
	}
	if sc := apptest.Login(t, srv, "staff"); true {
		if st, _, _ := post(t, sc, srv.URL+"/admin/settings/issuer", url.Values{"issuer_name": {"x"}}); st != 403 {
			t.Errorf("staff saving the issuer: %d", st)
		}
	}

	var id int64
	var tok string
	if err := a.DB.QueryRow(ctx, `SELECT id, confirm_token FROM bookings WHERE status = 'approved' AND confirm_token <> '' ORDER BY id LIMIT 1`).Scan(&id, &tok); err != nil {
		t.Fatalf("an awaited letter in the demo: %v", err)
	}
	oc := apptest.Login(t, srv, "office")
	_, letter := get(t, oc, fmt.Sprintf("%s/bookings/%d/letter", srv.URL, id))
	for _, want := range []string{`id="letter-issuer"`, "北京测试商务中心有限公司", "北京市东城区测试路1号", "010-1234 5678", "测试银行", "6222 0000 1111", "<svg", "或致电 010-1234 5678 确认"} {
		if !strings.Contains(letter, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	if strings.Contains(letter, "下方按钮") {
		t.Errorf("the staff's (printable) letter still speaks of a button below")
	}
	_, public := get(t, nil, srv.URL+"/confirm/"+tok)
	if !strings.Contains(public, "下方按钮") || !strings.Contains(public, `print-only`) {
		t.Errorf("the confirm page should name its button on screen only")
	}
	postForm(t, oc, srv.URL+"/lang", url.Values{"lang": {"zh-Hant"}, "next": {"/"}})
	_, hant := get(t, oc, fmt.Sprintf("%s/bookings/%d/letter", srv.URL, id))
	if !strings.Contains(hant, "預訂確認函") || strings.Contains(hant, "预订确认函") {
		t.Errorf("zh-Hant letter is not in Traditional characters")
	}

	var gtok string
	if err := a.DB.QueryRow(ctx, `SELECT g.token FROM reception_guests g JOIN receptions r ON r.id = g.reception_id JOIN users u ON u.id = r.applicant_id
		WHERE r.status NOT IN ('draft', 'cancelled', 'rejected') AND u.phone <> '' ORDER BY g.id LIMIT 1`).Scan(&gtok); err != nil {
		t.Fatalf("an invitation in the demo: %v", err)
	}
	_, inv := get(t, nil, srv.URL+"/g/"+gtok)
	for _, want := range []string{"测试路1号 B座", `href="https://uri.amap.com/marker?position=1,2"`, "B1 访客车位", `href="tel:`} {
		if !strings.Contains(inv, want) {
			t.Errorf("invitation lacks %q", want)
		}
	}
}

// postFollow posts a form with c's cookies and follows the redirect, as a
// browser does; it returns the final status and page.
func postFollow(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	follow := *c
	follow.CheckRedirect = nil
	resp, err := follow.PostForm(u, v)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// The client's survey, once answered, thanks the client once and does not
// show the client's own score.
func TestClientSurveyThanksOnceWithoutScore(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	wrap := demoCase(t, a.Reception, reception.StatusWrapUp)
	svs, err := a.Reception.Surveys(context.Background(), access.SystemActor(), wrap.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sv reception.Survey
	for _, x := range svs {
		if x.Kind == reception.SurveyClient && x.SubmittedAt.IsZero() {
			sv = x
		}
	}
	if sv.Token == "" {
		t.Fatal("no open client survey in the demo")
	}
	form := url.Values{"respondent": {"张伟"}}
	for _, an := range sv.Answers {
		form.Set(fmt.Sprintf("score_%d", an.Seq), fmt.Sprint(an.MaxPoints-1))
	}
	code, page := postFollow(t, apptest.Client(t), srv.URL+"/s/"+sv.Token, form)
	if code != 200 || strings.Count(page, "感谢您的评价") != 1 || !strings.Contains(page, `id="survey-received"`) {
		t.Fatalf("after answering: %d, thanks %d times", code, strings.Count(page, "感谢您的评价"))
	}
	if strings.Contains(page, "score-big") || strings.Contains(page, fmt.Sprintf("/ %d", sv.MaxScore)) {
		t.Errorf("the client sees their own score")
	}
}
