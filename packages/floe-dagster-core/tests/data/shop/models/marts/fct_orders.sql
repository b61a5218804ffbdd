select o.order_id, o.customer_id, c.name, o.amount
from {{ ref('stg_orders') }} o
join {{ ref('stg_customers') }} c using (customer_id)
