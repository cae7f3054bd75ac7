package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"jiedai/internal/access"
	"jiedai/internal/attachment"
	"jiedai/internal/errs"
)

func (s *Server) routesAttachments(mux *http.ServeMux) {
	mux.HandleFunc("POST /attachments", s.authed(s.uploadAttachment))
	mux.HandleFunc("GET /attachments/{id}", s.authed(s.downloadAttachment))
}

// uploadAttachment takes a multipart form with entity, entity_id, file and
// back (the page to return to).
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, a access.Actor) {
	data, name, err := readUpload(w, r, "file")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	id, _ := strconv.ParseInt(r.FormValue("entity_id"), 10, 64)
	if _, err := s.app.Files.Add(r.Context(), a, r.FormValue("entity"), id, name, data); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, safeNext(r.FormValue("back")), "uploaded")
}

func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	at, data, err := s.app.Files.Open(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Content-Type", at.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": at.Filename}))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}

// readUpload reads one file of a multipart form, within the size limit.
func readUpload(w http.ResponseWriter, r *http.Request, field string) ([]byte, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, attachment.MaxSize+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", errs.Field(field, "err.file_too_large", "mb", attachment.MaxSize>>20)
		}
		return nil, "", errs.New(errs.BadRequest, "err.bad_request")
	}
	f, hdr, err := r.FormFile(field)
	if err != nil {
		return nil, "", errs.Field(field, "err.required")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, attachment.MaxSize+1))
	if err != nil {
		return nil, "", errs.New(errs.BadRequest, "err.bad_request")
	}
	return data, hdr.Filename, nil
}
