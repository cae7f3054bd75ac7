package server_test

// engines2Policy is who may call the routes of the shared engine
// extensions: the client organisations' billing profile (client.CanEditBilling),
// posts (internal/post) and the working-hours view.
func engines2Policy() []rule {
	return []rule{
		// Staff, and orgA's own client user (portal); orgB's does not see orgA (404).
		{route: "PUT /api/v1/clients/{id}/billing", allow: staff().plus(clientA), make: onClient(false, "", `{"tax_id":"91110108MA01ABCD2X","fapiao_type":"general"}`)},
		{route: "POST /clients/{id}/billing", allow: staff().plus(clientA), make: onClient(false, "", "tax_id=91110108MA01ABCD2X&fapiao_type=general")},
	}
}
