-- POST /create-payment-intent with a different cart on every request, so each one prices a
-- cart and writes a new order (and, in demo mode, a PaymentIntent) as a real checkout does.
-- Arguments after `--`: the book ids to fill carts from.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local counter = 0
local cart_prefix = ""
local book_ids = {}

-- Runs in the main state once per thread: number the threads, so no two share cart ids, and
-- keep them, for done() to add up what each counted.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Checkouts refused with 409 (insufficient_stock: copies short), counted in each thread.
-- bench/run.py stops if there are any: a benchmark of refusals would measure nothing.
-- (With response() defined, wrk hands every answer to Lua: microseconds, alike for both.)
refused = 0
function response(status, headers, body)
  if status == 409 then refused = refused + 1 end
end

function extra_fields()
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("refused") end
  return string.format(', "refused_409": %d', total)
end

-- Arguments: a token unique to this run (so no cart id repeats an earlier run's), then the
-- book ids to fill carts from.
function init(args)
  if #args < 2 then error("pass a run token and book ids after --") end
  cart_prefix = string.format("bench-%s-%d-", args[1], thread_number)
  for i = 2, #args do table.insert(book_ids, args[i]) end
end

function request()
  counter = counter + 1
  local first = book_ids[(counter % #book_ids) + 1]
  local second = book_ids[((counter * 7 + 3) % #book_ids) + 1]
  local items = string.format('{"id": "%s", "quantity": %d}', first, (counter % 3) + 1)
  if second ~= first then
    items = items .. string.format(', {"id": "%s", "quantity": 1}', second)
  end
  local body = string.format('{"items": [%s], "cartId": "%s%08d"}', items, cart_prefix, counter)
  return wrk.format("POST", "/create-payment-intent", {["Content-Type"] = "application/json"}, body)
end
