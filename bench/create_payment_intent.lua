-- POST /create-payment-intent with a different cart on every request, so each one prices a
-- cart and writes a new order (and, in demo mode, a PaymentIntent) as a real checkout does.
-- Arguments after `--`: the book ids to fill carts from.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local counter = 0
local thread_tag = ""
local book_ids = {}

function init(args)
  for _, id in ipairs(args) do table.insert(book_ids, id) end
  if #book_ids == 0 then error("pass book ids after --") end
  -- Distinct per thread and per run: a cart id reused from an earlier run would find its order.
  thread_tag = string.format("%x%x", os.time(), math.random(0, 0xffffff))
  math.randomseed(os.time() + math.random(0, 0xffffff))
end

function request()
  counter = counter + 1
  local first = book_ids[(counter % #book_ids) + 1]
  local second = book_ids[((counter * 7 + 3) % #book_ids) + 1]
  local items = string.format('{"id": "%s", "quantity": %d}', first, (counter % 3) + 1)
  if second ~= first then
    items = items .. string.format(', {"id": "%s", "quantity": 1}', second)
  end
  local body = string.format('{"items": [%s], "cartId": "bench-%s-%08d"}', items, thread_tag, counter)
  return wrk.format("POST", "/create-payment-intent", {["Content-Type"] = "application/json"}, body)
end
