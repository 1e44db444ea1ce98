-- Shared by the bench/lua scripts (loaded with dofile): the data table written by bench/load.py,
-- a thread id per wrk thread, per-thread counters and one JSON summary line for bench/load.py.
-- Environment: BENCH_LUA_DIR (this directory), BENCH_DATA (a Lua file returning a table),
-- BENCH_THREADS (wrk -t). Everything sent is ASCII: bench/load.py percent-encodes the rest.

data = dofile(os.getenv("BENCH_DATA"))
nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
tid = tid or 1          -- set per thread by setup() below, before init()
counts = {}
threads = {}
local created = 0

function bump(name, n)
  counts[name] = (counts[name] or 0) + (n or 1)
end

function header(headers, name)
  return headers[name] or headers[string.lower(name)] or ""
end

function setup(thread)
  created = created + 1
  thread:set("tid", created)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local agg = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    if c then
      for k, v in pairs(c) do agg[k] = (agg[k] or 0) + v end
    end
  end
  local e = summary.errors
  local out = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_us":%d', summary.duration),
    string.format('"bytes":%d', summary.bytes),
    string.format('"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d',
      e.connect, e.read, e.write, e.status, e.timeout),
    string.format('"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f',
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean),
  }
  local c = {}
  for k, v in pairs(agg) do table.insert(c, string.format('"%s":%d', k, v)) end
  table.insert(out, '"counts":{' .. table.concat(c, ",") .. '}')
  io.write("BENCHJSON {" .. table.concat(out, ",") .. "}\n")
end
