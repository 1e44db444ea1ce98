-- POST /interests/<id>/messages on the accepted interests of data.accepted, alternating sides.
-- Every body starts with a unique marker data.run .. "-" .. thread .. "-" .. n, so bench/load.py
-- counts the rows afterwards. Success is 303 back to the conversation; anything else is an error.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local i = 0
local CT = "application/x-www-form-urlencoded"

function request()
  i = i + 1
  local g = (i - 1) * nthreads + (tid - 1)
  local a = data.accepted[(g % #data.accepted) + 1]
  local s = data.sessions[(math.floor(g / #data.accepted) % 2 == 0) and a.firm or a.supplier]
  bump("issued")
  local body = "csrf_token=" .. s.csrf .. "&body=" .. data.run .. "-" .. tid .. "-" .. i .. data.text_enc
  return wrk.format("POST", "/interests/" .. a.id .. "/messages", { ["Cookie"] = s.cookie, ["Content-Type"] = CT }, body)
end

function response(status, headers, body)
  local loc = header(headers, "Location")
  if status == 303 and string.match(loc, "/interests/%d+$") then
    bump("acked")
  else
    bump("error")
    bump("s" .. status)
  end
end
