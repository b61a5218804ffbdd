-- Runs on the second compute target (duckdb_analytics), reading the marts that the default
-- target built through the read-only attachment named jaffle_shop.
{{ config(materialized='table', database='analytics') }}
select
    date_trunc('month', f.order_date) as order_month,
    count(distinct f.customer_id) as customers,
    count(*) as orders,
    sum(f.amount) as revenue
from {{ ref('fct_orders') }} as f
join {{ ref('dim_customers') }} as d on d.customer_id = f.customer_id
group by 1
order by 1
