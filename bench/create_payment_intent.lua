-- POST /create-payment-intent with a different cart on every request, so each one prices a
-- cart and writes a new order (and, in demo mode, a PaymentIntent) as a real checkout does.
-- Arguments after `--`: the book ids to fill carts from.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local counter = 0
local cart_prefix = ""
local book_ids = {}

-- Runs in the main state once per thread: number the threads, so no two share cart ids.
local threads_started = 0
function setup(thread)
  threads_started = threads_started + 1
  thread:set("thread_number", threads_started)
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
