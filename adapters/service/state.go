package service

import (
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/handlers"
)

// handlerState is the store as the handlers' State port: the same methods,
// with View returning the handlers' read model.
type handlerState struct{ *store.Store }

func (s handlerState) View() handlers.View { return s.Store.View() }

// HandlerState is st as the handlers read and wait on it.
func HandlerState(st *store.Store) handlers.State { return handlerState{st} }
