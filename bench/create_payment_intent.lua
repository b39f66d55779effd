-- Pay: POST /create-payment-intent as an API client makes it (no confirmation token, so an
-- unconfirmed PaymentIntent), a new cart with complete details on every request, so each one
-- prices a cart with shipping and tax, holds its copies and writes a new order.
-- Arguments after `--`: a token unique to this run, a number unique to this run (for the
-- client addresses), the book ids to fill carts from (comma-separated), then the details to
-- take turns with, each a JSON object's members without braces (email, shipping,
-- deliveryMethod).
--
-- Each request comes from a client address of its own (X-Forwarded-For, one IPv6 /64 each;
-- bench/run.py sets TRUSTED_PROXY_COUNT=1), as a shop's checkouts come from many shoppers:
-- the shop caps the copies one client holds, and one address for all would hit the cap.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "carts.lua")

local run_number = 0
local book_ids = {}
local details = {}

function init(args)
  if #args < 4 then error("pass a run token, a run number, book ids and details after --") end
  start_carts(args[1])
  run_number = tonumber(args[2])
  for id in string.gmatch(args[3], "[^,]+") do table.insert(book_ids, id) end
  for i = 4, #args do table.insert(details, args[i]) end
end

function request()
  local cart_id = next_cart_id()
  local first = book_ids[(counter % #book_ids) + 1]
  local second = book_ids[((counter * 7 + 3) % #book_ids) + 1]
  local items = string.format('{"id": "%s", "quantity": %d}', first, (counter % 3) + 1)
  if second ~= first then
    items = items .. string.format(', {"id": "%s", "quantity": 1}', second)
  end
  local body = string.format('{"items": [%s], "cartId": "%s", %s}',
    items, cart_id, details[(counter % #details) + 1])
  local client = string.format("fd%02x:%04x:%04x:%04x::1", thread_number % 256,
    run_number % 65536, math.floor(counter / 65536) % 65536, counter % 65536)
  return wrk.format("POST", "/create-payment-intent",
    {["Content-Type"] = "application/json", ["X-Forwarded-For"] = client}, body)
end
