package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/client"
	"jiedai/internal/post"
)

// loadPosts gives the seeds' posts to demo people: current holders, one
// holding ended last month (the supervisor took over 客服主管 from the service
// desk) and one that starts next week.
func loadPosts(ctx context.Context, d *loader) error {
	ids := map[string]int64{}
	list, err := d.app.Posts.List(ctx, d.sys)
	if err != nil {
		return err
	}
	for _, p := range list {
		ids[p.Code] = p.ID
	}
	for code, dept := range map[string]string{post.CSSupervisor: "service", post.Cleaner: "service", post.LeasingDeputy: "leasing",
		post.LeasingAssistant: "leasing", post.SafetyOfficer: "security", post.SecrecyOfficer: "office"} {
		for _, p := range list {
			if p.Code == code {
				in := post.Input{Code: p.Code, Name: p.Name, NameHant: p.NameHant, NameEn: p.NameEn, DepartmentID: d.depts[dept]}
				if _, err := d.app.Posts.Update(ctx, d.sys, p.ID, in); err != nil {
					return fmt.Errorf("post %s: %w", code, err)
				}
			}
		}
	}
	day := func(offset int) string { return d.now.In(d.app.Loc).AddDate(0, 0, offset).Format(time.DateOnly) }
	for _, h := range []struct {
		code, user string
		from, to   string
	}{
		{post.DeptManager, "manager", day(-400), ""},
		{post.DeptManager, "engineering", day(-400), ""},
		{post.CSSupervisor, "service", day(-400), day(-31)},
		{post.CSSupervisor, "supervisor", day(-30), ""},
		{post.Cleaner, "service", day(-400), ""},
		{post.LeasingDeputy, "leasing", day(-200), ""},
		{post.LeasingAssistant, "staff", day(7), ""},
		{post.SafetyOfficer, "security", day(-365), day(365)},
		{post.SecrecyOfficer, "office", day(-365), ""},
	} {
		if _, err := d.app.Posts.Assign(ctx, d.sys, ids[h.code], post.AssignInput{UserID: d.users[h.user], From: h.from, To: h.to}); err != nil {
			return fmt.Errorf("post %s to %s: %w", h.code, h.user, err)
		}
	}
	return nil
}

// loadClientProfiles sets kinds and billing profiles (开票信息): the client
// user's organisation asks for special fapiao, another for general ones; a
// representative office; and two individual lessees who share a name and
// stay two records.
func loadClientProfiles(ctx context.Context, d *loader) error {
	if len(d.orgs) == 0 {
		rows, err := d.app.DB.Query(ctx, `SELECT id FROM client_orgs WHERE merged_into IS NULL ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			d.orgs = append(d.orgs, id)
		}
		rows.Close()
	}
	if len(d.orgs) < 2 {
		return nil
	}
	profiles := []client.BillingProfile{
		{Title: "北京华信科技有限公司", TaxID: "91110108MA01HX8Q2K", AddressPhone: "北京市海淀区中关村东路 18 号 010-62568800",
			BankAccount: "招商银行北京中关村支行 1109 0612 3410 001", FapiaoType: client.FapiaoSpecial, EFapiaoEmail: "ap@huaxin-tech.example", PostalAddress: "北京市海淀区中关村东路 18 号 财务部 收"},
		{TaxID: "91310115MA1K4DF27N", FapiaoType: client.FapiaoGeneral, EFapiaoEmail: "invoice@eastship.example"},
	}
	for i, p := range profiles {
		if _, err := d.app.Clients.UpdateBilling(ctx, d.sys, d.orgs[i], p); err != nil {
			return fmt.Errorf("billing profile of org %d: %w", d.orgs[i], err)
		}
	}
	for _, in := range []client.OrgInput{
		{Name: "日本三和商事株式会社北京代表处", Kind: client.KindRepOffice, Industry: "贸易", Phone: "010-8532 6600"},
		{Name: "张伟", Kind: client.KindIndividual, Phone: "13901234567", Notes: "个人承租 B 座 1206 临时办公室"},
		{Name: "张伟", Kind: client.KindIndividual, Phone: "13698765432", Notes: "同名不同人：个人承租 A 座 803"},
	} {
		o, err := d.app.Clients.Create(ctx, d.sys, in)
		if err != nil {
			return fmt.Errorf("client %s: %w", in.Name, err)
		}
		if in.Kind == client.KindIndividual {
			if _, err := d.app.Clients.UpdateBilling(ctx, d.sys, o.ID, client.BillingProfile{FapiaoType: client.FapiaoGeneral, EFapiaoEmail: "zhangwei" + in.Phone[7:] + "@mail.example"}); err != nil {
				return err
			}
		}
	}
	return nil
}
