package server

func (s *Server) routeCustomers() {}
