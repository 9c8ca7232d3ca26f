package store

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/domain"
)

// withState is a store holding objects inserted straight into its tables.
func withState(t *testing.T, objs map[string][]any) *Store {
	t.Helper()
	s, err := New()
	require.NoError(t, err)
	txn := s.db.Txn(true)
	for table, list := range objs {
		for _, o := range list {
			require.NoError(t, txn.Insert(table, o))
		}
	}
	txn.Commit()
	return s
}

// The registry's index gives an insurer's applications in the order
// domain.SortNewestFirst gives them, and a page of it is that order's page.
func TestRegistryIndexIsNewestFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var objs []any
	byInsurer := map[string][]domain.Application{}
	for i := range 300 {
		voen := fmt.Sprintf("10000000%02d", r.IntN(3))
		at := t0.Add(time.Duration(r.IntN(72)) * time.Hour) // many on one day, some at one time
		a := &domain.Application{ID: fmt.Sprintf("a-%03d", i), Number: fmt.Sprintf("SSC-%06d", r.IntN(1000)),
			InsurerVOEN: voen, CreatedAt: at, UpdatedAt: at.Add(time.Duration(r.IntN(48)) * time.Hour),
			Person: domain.Person{Insured: domain.InsuredPerson{SSN: fmt.Sprint(r.IntN(20))}}}
		if r.IntN(2) == 0 {
			a.Signature = &domain.Signature{At: a.UpdatedAt.Add(-time.Hour)}
		}
		objs = append(objs, a)
		byInsurer[voen] = append(byInsurer[voen], *a)
	}
	v := withState(t, map[string][]any{tableApplications: objs}).View()
	for voen, want := range byInsurer {
		domain.SortNewestFirst(want)
		got := v.Applications(voen)
		require.Len(t, got, len(want))
		for i := range want { // SortNewestFirst leaves full ties in any order
			assert.Equal(t, want[i].ApplicationDate(), got[i].ApplicationDate(), "row %d", i)
			assert.True(t, want[i].CreatedAt.Equal(got[i].CreatedAt), "row %d", i)
			assert.Equal(t, want[i].Number, got[i].Number, "row %d", i)
		}
		signed := func(a domain.Application) bool { return a.Signature != nil }
		var matching []domain.Application
		for _, a := range got {
			if signed(a) {
				matching = append(matching, a)
			}
		}
		page := domain.Page{Number: 2, Size: 7}
		rows, total := v.ApplicationsPage(voen, signed, page)
		from, to := page.Bounds(len(matching))
		assert.Equal(t, len(matching), total)
		assert.Equal(t, matching[from:to], rows)
	}
	assert.Empty(t, v.Applications("1999999999"))
}

// Grants come oldest first, ties by id; a person's applications by id.
func TestGrantsAndApplicationsOfAPersonInOrder(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var grants, apps []any
	var want []string
	for i, h := range []int{5, 1, 3, 1, 0} {
		id := fmt.Sprintf("g-%d", i)
		grants = append(grants, &domain.Grant{ID: id, InsurerVOEN: "1000000001", CreatedAt: t0.Add(time.Duration(h) * time.Hour)},
			&domain.Grant{ID: id + "x", InsurerVOEN: "1000000002", CreatedAt: t0})
		apps = append(apps, &domain.Application{ID: fmt.Sprintf("a-%d", 9-i), InsurerVOEN: fmt.Sprint(i),
			Person: domain.Person{Insured: domain.InsuredPerson{SSN: "1200000000001"}}})
		want = append(want, fmt.Sprintf("a-%d", 9-i))
	}
	v := withState(t, map[string][]any{tableGrants: grants, tableApplications: apps}).View()
	var ids []string
	for _, g := range v.Grants("1000000001") {
		ids = append(ids, g.ID)
	}
	assert.Equal(t, []string{"g-4", "g-1", "g-3", "g-2", "g-0"}, ids)
	assert.Nil(t, v.Grants("1999999999"))
	ids = nil
	for _, a := range v.ApplicationsOf("1200000000001") {
		ids = append(ids, a.ID)
	}
	sort.Strings(want)
	assert.Equal(t, want, ids)
}
