package demo

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/doctemplate"
)

// loadDocuments adds document templates in every state and
// acknowledgements signed and pending: the tenant handbook in its second
// version (re-sign asked of the client, who signed the first), the
// confidentiality agreement signed by the receptionist and pending for
// the service desk, the fit-out guide awaiting approval, the apology
// letter a draft, and the safety pledge published with a new draft.
func loadDocuments(ctx context.Context, d *loader) error {
	author, office, legal, exec := d.person(ctx, "supervisor"), d.person(ctx, "office"), d.person(ctx, "legal"), d.person(ctx, "executive")
	t := d.app.Templates
	publish := func(id int64, by access.Actor) error {
		if err := t.Submit(ctx, author, id); err != nil {
			return err
		}
		return t.Decide(ctx, by, id, "approve", "")
	}
	type doc struct {
		in       doctemplate.Input
		reviewer access.Actor
	}
	docs := map[string]doc{
		"handbook": {doctemplate.Input{Code: "handbook", Kind: "handbook", Title: "商务中心用户手册",
			BodyZhHans: "尊敬的 {{org.name}}：\n欢迎入驻{{site.name}}。\n一、办公时间为工作日 9:00–18:00，节假日按国家规定调整。\n二、公共区域禁止吸烟，消防通道保持畅通。\n三、访客请在前台登记。",
			BodyEn:     "Dear {{org.name}},\nWelcome to {{site.name}}.\n1. Office hours are 9:00-18:00 on working days.\n2. No smoking in common areas; keep fire exits clear.\n3. Visitors sign in at reception."}, office},
		"nda": {doctemplate.Input{Code: "nda", Kind: "confidentiality_agreement", Title: "商务活动保密协议",
			BodyZhHans: "本人 {{person.name}} 承诺：对在商务活动中知悉的客户信息、会议内容和商业秘密严格保密，不得泄露、复制或用于其他目的；离职后保密义务继续有效。"}, legal},
		"fitout": {doctemplate.Input{Code: "fitout", Kind: "fitout_guide", Title: "单元装修指南",
			BodyZhHans: "一、装修前须向服务部提交装修申请及图纸。\n二、施工时间为工作日 8:30–12:00、14:00–18:00。\n三、动火作业须办理动火证。"}, office},
		"apology": {doctemplate.Input{Code: "apology", Kind: "apology", Title: "致歉函",
			BodyZhHans: "尊敬的 {{org.name}}：\n就 {{date.today}} 给贵司带来的不便，我们深表歉意。"}, exec},
		"safety": {doctemplate.Input{Code: "safety", Kind: "safety_pledge", Title: "商务活动安全责任书",
			BodyZhHans: "责任人 {{person.name}} 负责本部门商务活动的安全工作，落实防火、防盗和应急预案。"}, exec},
	}
	ids := map[string]doctemplate.Template{}
	for _, code := range []string{"handbook", "nda", "fitout", "apology", "safety"} {
		tp, err := t.Create(ctx, author, docs[code].in)
		if err != nil {
			return fmt.Errorf("template %s: %w", code, err)
		}
		ids[code] = tp
	}
	for _, code := range []string{"handbook", "nda", "safety"} {
		if err := publish(ids[code].Latest().ID, docs[code].reviewer); err != nil {
			return fmt.Errorf("publish %s: %w", code, err)
		}
	}
	if err := t.Submit(ctx, author, ids["fitout"].Latest().ID); err != nil {
		return fmt.Errorf("submit fit-out guide: %w", err)
	}
	// The client signed the first handbook; the second asks again.
	client := d.person(ctx, "client")
	k, err := d.app.Acks.Request(ctx, office, ack.RequestInput{VersionID: ids["handbook"].Latest().ID, UserIDs: []int64{client.UserID}})
	if err != nil || len(k) != 1 {
		return fmt.Errorf("ask the client: %v", err)
	}
	if _, err := d.app.Acks.Sign(ctx, client, k[0].ID, "赵磊"); err != nil {
		return fmt.Errorf("client signs: %w", err)
	}
	in := docs["handbook"].in
	in.BodyZhHans += "\n四、自 2026 年起，装修须提前五个工作日申报。"
	in.Resign = true
	v2, err := t.Edit(ctx, author, ids["handbook"].ID, in)
	if err != nil {
		return fmt.Errorf("handbook v2: %w", err)
	}
	if err := publish(v2.ID, office); err != nil {
		return fmt.Errorf("publish handbook v2: %w", err)
	}
	// Staff sign the confidentiality agreement.
	nda := ids["nda"].Latest().ID
	ks, err := d.app.Acks.Request(ctx, office, ack.RequestInput{VersionID: nda, UserIDs: []int64{d.users["receptionist"], d.users["service"]}})
	if err != nil {
		return fmt.Errorf("ask staff: %w", err)
	}
	if _, err := d.app.Acks.Sign(ctx, d.person(ctx, "receptionist"), ks[0].ID, "刘芳"); err != nil {
		return fmt.Errorf("receptionist signs: %w", err)
	}
	// The safety pledge gets a new draft.
	sp := docs["safety"].in
	sp.BodyZhHans += "\n每季度组织一次安全检查。"
	if _, err := t.Edit(ctx, author, ids["safety"].ID, sp); err != nil {
		return fmt.Errorf("safety pledge draft: %w", err)
	}
	return nil
}
