select
    order_id,
    customer_id,
    order_date,
    status,
    amount,
    payment_count
from {{ ref('int_order_payments') }}
where status != 'returned'
