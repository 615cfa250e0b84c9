-- rsp routing rules (the lua strategy, etc/rsp.routing.lua.cfg). Saved changes apply within about a second;
-- a script that does not compile is logged with file:line and the previous version stays in force.
-- The strategy is asked only when 'lua' is named in routing.chain (etc/rsp.core.cfg), e.g.
--   routing.chain = reload-path, lua, host-hash
-- Try a rule without traffic:  bin/rsp lua-test etc/rules.lua --host img.static.example.com --path /logo.png
--
-- route(req) is called for every request. req.method, req.path, req.query, req.host (canonical: lower case,
-- no port, no trailing dot), req.client (address), req.sni (nil unless TLS), req.header(name) (nil if absent).
-- 'backends' lists the configured backend names. Return nil (not mine: the next strategy decides), a backend
-- name, a list of names (candidates, most preferred first), or rehost("some.domain") (route as that host).

local STATIC = ".static.example.com"

local function endsWith(s, suffix)
  return #s >= #suffix and s:sub(-#suffix) == suffix
end

function route(req)
  -- static content is served by one backend, with a fallback
  if endsWith(req.host, STATIC) then
    return { "demo-3", "demo-1" }
  end
  -- canary traffic, opted into by a header
  if req.header("X-Canary") == "1" then
    return "demo-2"
  end
  -- everything else: not mine
  return nil
end
