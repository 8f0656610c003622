-- wrk script: every request is one webhook event, the same order each time.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"order_id":"A-1001","email":"  Ada@Example.COM ","total":"12.50","items":[{"sku":"X-1","qty":2}]}'
