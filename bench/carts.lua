-- What the two POST scripts share: numbered threads (so no two share a cart id), a new cart id
-- on every request, and a count of the answers other than 200, by status, with the first one's
-- body. bench/run.py stops if there are any: a benchmark of refusals would measure nothing.
-- (With response() defined, wrk hands every answer to Lua: microseconds, alike for both.)
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

counter = 0
local cart_prefix = ""

-- Runs in the main state once per thread: number the threads, and keep them, for done() to
-- add up what each counted.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Call from init() with a token unique to this run, so no cart id repeats an earlier run's.
function start_carts(token)
  cart_prefix = string.format("bench-%s-%d-", token, thread_number)
end

-- A cart id never sent before (16 to 64 letters, digits, - or _, as the shop asks).
function next_cart_id()
  counter = counter + 1
  return string.format("%s%08d", cart_prefix, counter)
end

refused = {}
first_refusal = ""
function response(status, headers, body)
  if status ~= 200 then
    local key = tostring(status)
    refused[key] = (refused[key] or 0) + 1
    if first_refusal == "" then first_refusal = key .. " " .. string.sub(body or "", 1, 300) end
  end
end

local function json_string(text)
  local escaped = text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)
  return '"' .. escaped .. '"'
end

function extra_fields()
  local totals, first = {}, ""
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("refused") or {}) do
      totals[status] = (totals[status] or 0) + count
    end
    if first == "" then first = thread:get("first_refusal") or "" end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  return string.format(', "refused": {%s}, "first_refusal": %s',
    table.concat(parts, ", "), json_string(first))
end
