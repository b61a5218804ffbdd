select
    id as payment_id,
    order_id,
    payment_method,
    amount / 100.0 as amount  -- cents to dollars
from {{ ref('raw_payments') }}
