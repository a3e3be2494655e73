package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"fidelis"
)

type forgetInput struct {
	Body struct {
		CustomerIDs []string `json:"customer_ids" minItems:"1" maxItems:"10000" doc:"the customers to erase"`
	}
}

type deleteInput struct {
	Kind string `path:"kind" enum:"customers,orders,subscriptions,surveys,referrals,program,interactions,social,exits"`
	Body struct {
		IDs []string `json:"ids" minItems:"1" maxItems:"100000" doc:"record ids to delete"`
	}
}

// Deleted lists the ids a deletion found and removed.
type Deleted struct {
	Deleted []string `json:"deleted"`
}

// routeAdmin declares the admin-scope writes: erasure (GDPR Art. 17) and deletion by id. Both
// take the store alone (Forget rewrites and reopens the store file); the store advances the
// versions of the kinds they changed.
func (s *Server) routeAdmin() {
	huma.Register(s.api, scopeOp(huma.Operation{OperationID: "forget", Method: http.MethodPost, Path: "/v1/forget",
		Summary: "Erase customers and every record naming them, leaving no trace in the store file (fidelis forget)",
		Tags:    []string{"admin"}, Errors: []int{400, 403}, MaxBodyBytes: 1 << 20}, ScopeAdmin),
		func(ctx context.Context, in *forgetInput) (*body[fidelis.Erasure], error) {
			if s.cfg.ReadOnly {
				return nil, huma.Error403Forbidden("the server runs with --read-only: it erases nothing")
			}
			s.store.Lock()
			defer s.store.Unlock()
			e, err := s.cfg.Store.Forget(context.WithoutCancel(ctx), in.Body.CustomerIDs)
			if err != nil {
				s.audit(principalOf(ctx), "forget_failed", map[string]any{"customers": len(in.Body.CustomerIDs), "error": err.Error()})
				return nil, apiError(ctx, err)
			}
			var removed int64
			for _, n := range e.Removed {
				removed += n
			}
			// The ids themselves are not logged: the audit log must not keep what was erased.
			s.audit(principalOf(ctx), "forget", map[string]any{"customers": len(in.Body.CustomerIDs), "records_removed": removed,
				"removed": e.Removed, "not_found": len(e.NotFound)})
			return &body[fidelis.Erasure]{&e}, nil
		})
	huma.Register(s.api, scopeOp(huma.Operation{OperationID: "delete", Method: http.MethodPost, Path: "/v1/delete/{kind}",
		Summary: "Delete records by id (fidelis delete)", Tags: []string{"admin"}, Errors: []int{400, 403}, MaxBodyBytes: 8 << 20}, ScopeAdmin),
		func(ctx context.Context, in *deleteInput) (*body[Deleted], error) {
			if s.cfg.ReadOnly {
				return nil, huma.Error403Forbidden("the server runs with --read-only: it deletes nothing")
			}
			s.store.Lock()
			defer s.store.Unlock()
			ids, err := s.cfg.Store.Delete(context.WithoutCancel(ctx), fidelis.Kind(in.Kind), in.Body.IDs)
			if err != nil {
				return nil, apiError(ctx, err)
			}
			if ids == nil {
				ids = []string{}
			}
			s.audit(principalOf(ctx), "delete", map[string]any{"kind": in.Kind, "requested": len(in.Body.IDs), "deleted": len(ids)})
			return &body[Deleted]{&Deleted{Deleted: ids}}, nil
		})
}
