package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"fidelis"
	"fidelis/ingest"
)

// maxRejects is how many rejected rows an ingest response lists; all are counted.
const maxRejects = 1000

type importInput struct {
	Kind        string `path:"kind" enum:"customers,orders,subscriptions,surveys,referrals,program,interactions,social,exits" doc:"record kind"`
	Update      bool   `query:"update" doc:"replace stored records whose id the body repeats with other values (default: keep them, count duplicates)"`
	ContentType string `header:"Content-Type" doc:"application/json (an array of objects), application/x-ndjson (one object a line) or text/csv; the content decides, as for files"`
	RawBody     []byte `contentType:"application/json"`
}

// bodyName names the request body in messages and rejects, with the extension its content type
// suggests (the importer reads the content; the extension only breaks ties, as for files).
func bodyName(kind, contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	ext := map[string]string{"text/csv": ".csv", "application/csv": ".csv", "text/tab-separated-values": ".tsv",
		"application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/json": ".json"}[mt]
	return "POST /v1/import/" + kind + " body" + ext
}

func (s *Server) routeIngest() {
	op := scopeOp(huma.Operation{OperationID: "import", Method: http.MethodPost, Path: "/v1/import/{kind}",
		Summary: "Import records: the same validation, accounting and rejects as fidelis import; idempotent by record id; answered after commit",
		Tags:    []string{"ingest"}, MaxBodyBytes: s.cfg.MaxBody, BodyReadTimeout: s.cfg.BodyTimeout, SkipValidateBody: true,
		Errors: []int{400, 403, 413, 422, 409}}, ScopeIngest)
	huma.Register(s.api, op, s.importHandler)
	if o := s.api.OpenAPI().Paths["/v1/import/{kind}"]; o != nil && o.Post != nil && o.Post.RequestBody != nil {
		bin := &huma.Schema{Type: "string", Format: "binary"}
		o.Post.RequestBody.Required = true
		o.Post.RequestBody.Content = map[string]*huma.MediaType{
			"application/json": {Schema: bin}, "application/x-ndjson": {Schema: bin}, "text/csv": {Schema: bin},
		}
	}
}

func (s *Server) importHandler(ctx context.Context, in *importInput) (*body[ingest.Summary], error) {
	p := principalOf(ctx)
	if s.cfg.ReadOnly {
		return nil, huma.Error403Forbidden("the server runs with --read-only: it stores nothing")
	}
	if len(in.RawBody) == 0 {
		return nil, huma.Error400BadRequest("the request body is empty: send JSON (an array of objects), NDJSON or CSV with a header line")
	}
	kind := fidelis.Kind(in.Kind)
	name := bodyName(in.Kind, in.ContentType)
	if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".jsonl") {
		if err := checkJSON(in.RawBody); err != nil {
			return nil, huma.Error400BadRequest(err.Error())
		}
	}
	s.store.RLock() // erasure and deletion wait for the import to finish
	defer s.store.RUnlock()
	// The import runs to its end even when the client leaves: a committed batch is answered, a
	// half one rolled back, never left open. Batches from several clients are read at once and
	// applied one after another, those waiting together in one transaction (ingest.Batcher).
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.AnalysisTimeout)
	defer cancel()
	sum, err := s.ingest.Import(ictx, kind, name, in.RawBody, ingest.Options{Update: in.Update, KeepRejects: maxRejects})
	if err != nil {
		s.audit(p, "ingest_failed", map[string]any{"kind": kind, "bytes": len(in.RawBody), "error": err.Error()})
		if code := fidelis.ErrorCode(err); code == fidelis.EInvalid {
			// The importer's hints name CLI flags (--map, --date-format) the API does not have.
			return nil, huma.NewError(http.StatusBadRequest, err.Error())
		}
		return nil, apiError(ctx, err)
	}
	sum.Seconds = 0 // not part of the record's identity; the access log has the duration
	for outcome, n := range map[string]int64{"stored": sum.Stored, "updated": sum.Updated, "rejected": sum.Rejected, "duplicate": sum.Duplicates} {
		s.m.ingested.WithLabelValues(string(kind), outcome).Add(float64(n))
	}
	s.audit(p, "ingest", map[string]any{"kind": kind, "read": sum.Read, "stored": sum.Stored, "updated": sum.Updated,
		"rejected": sum.Rejected, "duplicates": sum.Duplicates, "update_mode": in.Update})
	if sum.Read > 0 && sum.Rejected == sum.Read {
		return nil, rejectedAll(sum)
	}
	return &body[ingest.Summary]{&sum}, nil
}

// checkJSON refuses a body declared JSON that does not parse, naming the line and column: such
// a body is not a list of records with a bad row, it is not JSON at all. A sequence of values
// (NDJSON sent as application/json) passes; what the values hold is the importer's to check.
func checkJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				off = int64(len(b))
			}
			line := 1 + bytes.Count(b[:off], []byte("\n"))
			col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
			return fmt.Errorf("malformed JSON at line %d, column %d: %v", line, col, err)
		}
	}
}

// rejectedAll is the 422 for a body none of whose rows could be stored: every row's reason, as
// the rejects file would list them.
func rejectedAll(sum ingest.Summary) error {
	details := make([]error, 0, len(sum.Rejects))
	for _, r := range sum.Rejects {
		loc := fmt.Sprintf("body line %d", r.Line)
		if r.Column != "" {
			loc += ", column " + r.Column
		}
		if r.Field != "" {
			loc += " (" + r.Field + ")"
		}
		details = append(details, &huma.ErrorDetail{Message: r.Reason, Location: loc, Value: r.Value})
	}
	msg := fmt.Sprintf("all %d rows were rejected; nothing was stored", sum.Read)
	if len(sum.Rejects) < int(sum.Rejected) {
		msg += fmt.Sprintf(" (the first %d reasons are listed)", len(sum.Rejects))
	}
	return huma.NewError(http.StatusUnprocessableEntity, msg, details...)
}

// audit appends one JSON line to the audit log: when, who (token id and name), what and how many.
func (s *Server) audit(p principal, event string, fields map[string]any) {
	if s.cfg.Audit == nil {
		return
	}
	rec := map[string]any{"time": s.cfg.Now().UTC().Format(time.RFC3339Nano), "event": event,
		"token_id": p.Token.ID, "token_name": p.Token.Name}
	for k, v := range fields {
		rec[k] = v
	}
	b, _ := json.Marshal(rec)
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	if _, err := s.cfg.Audit.Write(append(b, '\n')); err != nil {
		s.cfg.Log.Error("audit log", "error", err)
	}
}
