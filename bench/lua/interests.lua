-- POST /interests (express interest) over data.pairs, each pair four times in a row (twice from
-- the firm's account, twice from the supplier's), so concurrent duplicates race on the open-pair
-- unique index. The app answers 303 either way: to /interests/<new id> when the interest was
-- created, to data.next (our own "next") when it refused it (a duplicate). Anything else is an error.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local i = 0
local CT = "application/x-www-form-urlencoded"

function request()
  i = i + 1
  local g = (i - 1) * nthreads + (tid - 1)
  local pair = data.pairs[(math.floor(g / 4) % #data.pairs) + 1]
  local s = data.sessions[(g % 2 == 0) and pair.firm or pair.supplier]
  bump("issued")
  local body = "csrf_token=" .. s.csrf .. "&need_id=" .. pair.need_id .. "&achievement_id=" .. pair.achievement_id
    .. "&message=" .. data.message .. "&next=" .. data.next_enc
  return wrk.format("POST", "/interests", { ["Cookie"] = s.cookie, ["Content-Type"] = CT }, body)
end

function response(status, headers, body)
  local loc = header(headers, "Location")
  if status == 303 and string.match(loc, "/interests/%d+$") then
    bump("created")
  elseif status == 303 and string.find(loc, data.next, 1, true) then
    bump("duplicate")
  else
    bump("error")
    bump("s" .. status)
  end
end
