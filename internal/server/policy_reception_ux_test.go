package server_test

import (
	"jiedai/internal/access"
)

// receptionUXPolicy are the rows of the issuer of client documents and the
// directions for guests (site settings), and the seal image every reader
// of a confirmation letter sees, the client behind its link included.
func receptionUXPolicy() []rule {
	admin := roles(access.Admin)
	return []rule{
		{route: "POST /admin/settings/issuer", allow: admin, make: plain("issuer_name=北京测试商务中心&issuer_phone=010-1234")},
		{route: "POST /admin/settings/directions", allow: admin, make: plain("visit_address=建国路88号&visit_parking=B2")},
		{route: "POST /admin/settings/seal", allow: admin, make: func(_ *authzEnv, _ *subject, p string) call { return upload(p, nil) }},
		{route: "GET /site/seal", allow: public(), make: func(e *authzEnv, _ *subject, p string) call { e.sealImage(); return call{path: p} }},
	}
}

// sealImage uploads the issuer's seal once, as the admin.
func (e *authzEnv) sealImage() int64 {
	return e.once("seal", func() int64 {
		e.do(e.by[access.Admin], "POST", false, upload("/admin/settings/seal", nil))
		return 1
	})
}
