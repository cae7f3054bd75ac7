package errs

// RetryAfter returns the seconds a refused caller should wait before trying
// again (the "retry_after" value of a rate-limited error), or 0.
func (e *Error) RetryAfter() int {
	if e.Kind != TooMany {
		return 0
	}
	if n, ok := e.Args["retry_after"].(int); ok && n > 0 {
		return n
	}
	return 0
}
