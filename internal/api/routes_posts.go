package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/post"
)

type postListOut struct {
	Body struct {
		Posts []post.Post `json:"posts"`
	}
}

type postIn struct{ Body post.Input }

type postUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body post.Input
}

type postOut struct {
	Status int
	Body   post.Post
}

type holdingsOut struct {
	Body struct {
		Holdings []post.Holding `json:"holdings"`
	}
}

type assignIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body post.AssignInput
}

type endHoldingIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		To string `json:"to,omitempty" required:"false" doc:"Last day held (YYYY-MM-DD); blank means today"`
	}
}

type holdingOut struct {
	Status int
	Body   post.Holding
}

// routesPosts are the post (岗位) register: staff read it, admins keep it.
func (s *Server) routesPosts() {
	p := s.app.Posts
	handle(s, op(http.MethodGet, "/posts", "list-posts", "List posts (岗位) with how many hold each today (staff)", "posts", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*postListOut, error) {
			list, err := p.List(ctx, a)
			if err != nil {
				return nil, err
			}
			out := &postListOut{}
			out.Body.Posts = nonNil(list)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/posts", "create-post", "Add a post (admin)", "posts", false),
		func(ctx context.Context, a access.Actor, in *postIn) (*postOut, error) {
			x, err := p.Create(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			return &postOut{Status: http.StatusCreated, Body: x}, nil
		})
	handle(s, op(http.MethodPut, "/posts/{id}", "update-post", "Edit a post (admin); its code is fixed once an approval step or task names it", "posts", false),
		func(ctx context.Context, a access.Actor, in *postUpdateIn) (*postOut, error) {
			x, err := p.Update(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &postOut{Status: http.StatusOK, Body: x}, nil
		})
	handle(s, op(http.MethodGet, "/posts/{id}/holders", "list-post-holders", "Who held, holds or will hold a post (staff)", "posts", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*holdingsOut, error) {
			list, err := p.Holdings(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &holdingsOut{}
			out.Body.Holdings = nonNil(list)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/posts/{id}/holders", "assign-post", "Give a post to a member of staff from a day to a day (admin)", "posts", false),
		func(ctx context.Context, a access.Actor, in *assignIn) (*holdingOut, error) {
			h, err := p.Assign(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &holdingOut{Status: http.StatusCreated, Body: h}, nil
		})
	handle(s, op(http.MethodPost, "/post-holdings/{id}/end", "end-post-holding", "End a holding of a post on a day (admin)", "posts", false),
		func(ctx context.Context, a access.Actor, in *endHoldingIn) (*holdingOut, error) {
			h, err := p.End(ctx, a, in.ID, in.Body.To)
			if err != nil {
				return nil, err
			}
			return &holdingOut{Status: http.StatusOK, Body: h}, nil
		})
	handle(s, op(http.MethodGet, "/users/{id}/posts", "list-user-posts", "A user's posts, past, present and future (staff, and the user)", "posts", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*holdingsOut, error) {
			list, err := p.UserPosts(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &holdingsOut{}
			out.Body.Holdings = nonNil(list)
			return out, nil
		})
}
