package billing

// Charge sources used by the fapiao rules (until the core's list lands).
const (
	SourceDeposit       = "deposit"
	SourceRent          = "rent"
	SourceManagementFee = "management_fee"
)
