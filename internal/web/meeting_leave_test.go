package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestWithdrawLeaveOnPage: the demo attendee who asked for leave sees the
// button to withdraw it; withdrawing answers with the meeting page and
// the leave is gone, the substitute it named never having been added.
func TestWithdrawLeaveOnPage(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		hits, err := a.Meetings.Search(ctx, access.SystemActor(), meeting.Filter{Text: "云栖数据年度大客户接待会"})
		if err != nil || len(hits) != 1 {
			t.Fatalf("demo meeting with a leave request: %+v %v", hits, err)
		}
		id := hits[0].ID
		page := fmt.Sprintf("%s/meetings/%d", srv.URL, id)
		service := apptest.Login(t, srv, "service")
		code, body := apptest.Get(t, service, page)
		if code != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`action="/meetings/%d/leave-withdraw"`, id)) || !strings.Contains(body, "撤回请假") {
			t.Fatalf("withdraw button missing: %d", code)
		}
		if st, loc := mpost(t, service, page+"/leave-withdraw", nil); st != http.StatusSeeOther || !strings.HasPrefix(loc, meeting.Link(id)) {
			t.Fatalf("withdraw: %d %s", st, loc)
		}
		u, err := a.Auth.GetByUsername(ctx, "service")
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.Meetings.Get(ctx, access.SystemActor(), id)
		if err != nil {
			t.Fatal(err)
		}
		if at, ok := d.Attendee(u.ID); !ok || at.LeaveStatus != "" {
			t.Fatalf("leave after withdrawal: %+v", at)
		}
		if _, body := apptest.Get(t, service, page); strings.Contains(body, "leave-withdraw") {
			t.Fatal("withdraw button still shown")
		}
	})
}
