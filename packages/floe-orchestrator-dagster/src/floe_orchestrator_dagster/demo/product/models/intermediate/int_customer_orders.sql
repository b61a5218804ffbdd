select
    c.customer_id,
    min(op.order_date) as first_order_date,
    max(op.order_date) as most_recent_order_date,
    count(op.order_id) as number_of_orders,
    coalesce(sum(op.amount), 0) as lifetime_value
from {{ ref('stg_customers') }} as c
left join {{ ref('int_order_payments') }} as op on op.customer_id = c.customer_id
group by c.customer_id
