package store

// MigrateBefore applies the pending migrations that sort before stop, for
// tests of data migrations.
var MigrateBefore = (*DB).migrateBefore
