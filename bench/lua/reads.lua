-- GET a cycle of paths (browse, a need's page, search queries), optionally with a session cookie.
-- data.paths: list of paths; data.cookie: Cookie header or nil; data.expect: text every 200 page
-- must contain (checked on every response: a page without it is counted as "missing").
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local i = 0
local headers = {}

function init(args)
  i = tid - 1
  if data.cookie then headers["Cookie"] = data.cookie end
end

function request()
  i = i + nthreads
  return wrk.format("GET", data.paths[(i % #data.paths) + 1], headers)
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    bump("ok")
    if data.expect and not string.find(body, data.expect, 1, true) then bump("missing") end
  else
    bump("s" .. status)
  end
end
