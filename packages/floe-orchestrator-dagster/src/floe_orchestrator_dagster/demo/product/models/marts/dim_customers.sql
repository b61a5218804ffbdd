select
    c.customer_id,
    c.first_name,
    c.last_name,
    co.first_order_date,
    co.most_recent_order_date,
    co.number_of_orders,
    co.lifetime_value
from {{ ref('stg_customers') }} as c
join {{ ref('int_customer_orders') }} as co on co.customer_id = c.customer_id
